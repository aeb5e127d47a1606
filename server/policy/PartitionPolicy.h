#pragma once

#include <QString>
#include <QStringList>

#include <optional>

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
    bool lockConfigured = false;      // disknp: a lock sector on the shared disk
    bool lockWon = false;             // this server holds the disk lock now
    QString lockReason;               // how the attempt ended ("held by server2, which renews it")
};

enum class Verdict {
    Survive,      // this side may take over the lost servers' groups
    Isolated,     // this side is the losing one: perform the NP action
    NoResolution, // no method configured: survive, and every side does the same (dangerous)
};
QString verdictName(Verdict v);

struct PartitionDecision {
    Verdict verdict = Verdict::Isolated;
    QString method; // "majority", "ping", "disk", "ping+disk", "none"
    QString reason; // one sentence for logs and alerts
    bool pingTargetAlreadyLost = false; // the manual's "ping device failure" case
};

// Three or more servers: a strict majority survives, a strict minority is
// isolated, an exact half falls back to the tie-breakers. Two servers (or a
// half): a side that reaches no ping target is isolated; then, with disknp,
// only the side that holds the disk lock survives (ping alone lets two sides
// that both reach a target both survive: the lock makes it exactly one); with
// ping alone, the side that reaches a target survives. When no target answered
// even before the heartbeats were lost, ping cannot tell the sides apart and
// the lock decides alone; without a lock, ExpressCluster lets every side fail
// over, Lifeline stops this side instead, because two owners of a shared disk
// lose data and an outage does not.
PartitionDecision resolvePartition(const PartitionInput& input);

// Whether the decision depends on a tie-breaker (ping, the disk lock): two
// servers, or an exact half. The resolver asks the disk for its lock only then,
// and only when ping has not already isolated this side.
bool needsTieBreaker(const PartitionInput& input);
bool pingIsolates(const PartitionInput& input);

struct TakeoverTimings {
    int intervalMs = 0;    // heartbeat interval
    int timeoutMs = 0;     // heartbeat timeout (with the timeout ratio)
    int pingCheckMs = 0;   // a fresh ping check's timeout
    int lockLimitMs = 0;   // the longest a disk-lock attempt may take (DiskLock::acquireLimitMs)
    bool pingConfigured = false; // pingnp: the early isolation check is possible
};

// With ping, a side that has been cut off need not wait for the heartbeat
// timeout to find out. Once some servers have been silent for `atSilenceMs`
// (two intervals: one heartbeat missed, one of jitter), each server pings its
// targets afresh until `decideBySilenceMs`: one answer, or a silent server
// heard again, and nothing happens (the timeout resolves as usual). If neither
// came and ping isolates it (the verdict resolvePartition gives with the silent
// servers lost, method "ping"), it performs its NP action then, and must be
// down — or reset itself — by `downBySilenceMs`: one interval before its
// heartbeat timeout, a margin for the reset itself. The action gets a quarter
// of that, at least one interval; the rest is spent listening, so that a short
// blip of the network is ridden out. No value when the listening would be
// shorter than the configured ping timeout, or when the decision would come
// before kEarlyDecisionFloorMs of silence: after a blackout of the whole network
// the kernel retries a failed neighbour (ARP) entry only about once a second, so
// a repaired network can stay silent a second longer, and a healthy server must
// not shut itself down for that (at 100 ms / 1 s there is no early check).
constexpr int kEarlyDecisionFloorMs = 1500;
struct EarlyIsolationCheck {
    int atSilenceMs = 0;
    int decideBySilenceMs = 0;
    int downBySilenceMs = 0;
};
std::optional<EarlyIsolationCheck> earlyIsolationCheck(const TakeoverTimings& t);

// How long a surviving side waits after its verdict before it takes over the
// lost servers' groups, so that the losing side has performed its NP action by
// then: the loser may have heard us up to one heartbeat interval later than we
// heard it, so it decides up to one interval later; with ping it decides only
// when its own check has timed out, while ours ends at the first answer; and
// its action then gets one heartbeat timeout to take effect — the bound the
// cluster already gives a live process that is slow (a loaded machine, a sync),
// enforced: an isolated server that is not down by then fences itself.
// With the disk lock the loser learns that it lost from the disk, at the latest
// when its own attempt ends (lockLimitMs): the lock proves that it cannot
// survive, the wait that it has stopped.
// With ping alone and an early isolation check, the loser is down by its own
// heartbeat timeout, which ends at most one interval after ours: one interval.
// "none" (no resolution) waits for nothing: it is alerted as dangerous.
int takeoverDelayMs(const PartitionDecision& decision, const TakeoverTimings& t);

// How long an isolated server's NP action may take, from its verdict at the
// heartbeat timeout, before it resets itself: the heartbeat timeout the others
// give it (above), less one interval for the reset to take effect.
int isolatedActionLimitMs(const TakeoverTimings& t);

} // namespace lifeline::policy
