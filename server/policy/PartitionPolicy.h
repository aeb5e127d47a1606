#pragma once

#include <QString>
#include <QStringList>

// Network-partition resolution as a pure decision: who survives when heartbeats
// to some servers are lost. No I/O, no clock: the caller passes what it observed.
namespace lifeline::policy {

struct PartitionInput {
    QStringList servers;   // every server of the cluster
    QString local;         // this server
    QStringList reachable; // servers this one still hears (without itself)
    QStringList lost;      // servers whose heartbeats were just lost
    bool pingConfigured = false;
    bool pingReachableNow = false;    // some ping target answers now
    bool pingReachableBefore = false; // some target answered before the heartbeats were lost
};

enum class Verdict {
    Survive,      // this side may take over the lost servers' groups
    Isolated,     // this side is the losing one: perform the NP action
    NoResolution, // no method configured: survive, and every side does the same (dangerous)
};
QString verdictName(Verdict v);

struct PartitionDecision {
    Verdict verdict = Verdict::Isolated;
    QString method; // "majority", "ping", "none"
    QString reason; // one sentence for logs and alerts
    bool pingTargetAlreadyLost = false; // the manual's "ping device failure" case
};

// Three or more servers: a strict majority survives, a strict minority is
// isolated, an exact half falls back to ping. Two servers (or a half): the side
// that reaches a ping target survives; a side that reaches none is isolated.
// When no target answered even before the heartbeats were lost, ping cannot
// tell the sides apart: ExpressCluster lets every side fail over; Lifeline
// stops this side instead, because two owners of a shared disk lose data and
// an outage does not.
PartitionDecision resolvePartition(const PartitionInput& input);

// How long a surviving side waits after its verdict before it takes over the
// lost servers' groups, so that the losing side has performed its NP action by
// then: the loser may have heard us up to one heartbeat interval later than we
// heard it, so it decides up to one interval later; with ping it decides only
// when its own check has timed out, while ours ends at the first answer; and
// its action then gets one heartbeat timeout to take effect — the bound the
// cluster already gives a live process that is slow (a loaded machine, a sync).
// "none" (no resolution) waits for nothing: it is alerted as dangerous.
int takeoverDelayMs(const PartitionDecision& decision, int intervalMs, int timeoutMs, int pingCheckMs);

} // namespace lifeline::policy
