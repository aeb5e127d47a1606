#include "PartitionPolicy.h"

#include <algorithm>

namespace lifeline::policy {

QString verdictName(Verdict v) {
    switch (v) {
    case Verdict::Survive: return QStringLiteral("survive");
    case Verdict::Isolated: return QStringLiteral("isolated");
    case Verdict::NoResolution: return QStringLiteral("no-resolution");
    }
    return {};
}

static PartitionDecision byPingAlone(const PartitionInput& in, const QString& prefix) {
    PartitionDecision d;
    d.method = QStringLiteral("ping");
    if (!in.pingConfigured) {
        d.verdict = Verdict::NoResolution;
        d.method = QStringLiteral("none");
        d.reason = prefix + QStringLiteral("no network partition resolution is configured; this "
                                           "server carries on, and so may every other");
        return d;
    }
    if (in.pingReachableNow) {
        d.verdict = Verdict::Survive;
        d.reason = prefix + QStringLiteral("a ping target answers, so this server is not the "
                                           "isolated one");
        return d;
    }
    d.verdict = Verdict::Isolated;
    if (!in.pingReachableBefore) {
        d.pingTargetAlreadyLost = true;
        d.reason = prefix + QStringLiteral("no ping target answered even before the heartbeats "
                                           "were lost, so ping cannot resolve the partition; "
                                           "this server stops to protect the data");
    } else {
        d.reason = prefix + QStringLiteral("no ping target answers: this server is isolated");
    }
    return d;
}

bool pingIsolates(const PartitionInput& in) {
    return in.pingConfigured && !in.pingReachableNow && in.pingReachableBefore;
}

static PartitionDecision byTieBreakers(const PartitionInput& in, const QString& prefix) {
    if (!in.lockConfigured || pingIsolates(in))
        return byPingAlone(in, prefix);
    PartitionDecision d;
    const bool pingDecides = in.pingConfigured && in.pingReachableNow;
    // With ping configured, the other side ran its ping check too: its decision comes that
    // much later whatever the check said (takeoverDelayMs).
    d.method = in.pingConfigured ? QStringLiteral("ping+disk") : QStringLiteral("disk");
    d.pingTargetAlreadyLost = in.pingConfigured && !in.pingReachableNow; // (before: see pingIsolates)
    const QString ping = !in.pingConfigured ? QString()
                         : pingDecides     ? QStringLiteral("a ping target answers and ")
                                           : QStringLiteral("no ping target answered even "
                                                            "before the heartbeats were lost, "
                                                            "so the disk lock decides alone; ");
    if (in.lockWon) {
        d.verdict = Verdict::Survive;
        d.reason = prefix + ping + QStringLiteral("this server holds the disk lock (%1)").arg(in.lockReason);
    } else {
        d.verdict = Verdict::Isolated;
        d.reason = prefix + ping + QStringLiteral("this server could not take the disk lock (%1): "
                                                  "it is the isolated one").arg(in.lockReason);
    }
    return d;
}

static int aliveCount(const PartitionInput& in) {
    int alive = 1; // this server
    for (const auto& s : in.reachable)
        if (s != in.local && in.servers.contains(s))
            ++alive;
    return alive;
}

bool needsTieBreaker(const PartitionInput& in) {
    const int total = int(in.servers.size());
    return total < 3 || 2 * aliveCount(in) == total;
}

PartitionDecision resolvePartition(const PartitionInput& in) {
    const int total = int(in.servers.size());
    const int alive = aliveCount(in);
    if (total >= 3) {
        const QString count = QStringLiteral("%1 of %2 servers").arg(alive).arg(total);
        if (2 * alive > total)
            return {Verdict::Survive, QStringLiteral("majority"),
                    QStringLiteral("this side has %1, a majority").arg(count), false};
        if (2 * alive < total)
            return {Verdict::Isolated, QStringLiteral("majority"),
                    QStringLiteral("this side has %1, a minority").arg(count), false};
        return byTieBreakers(in, QStringLiteral("this side has %1, exactly half; ").arg(count));
    }
    return byTieBreakers(in, QString());
}

std::optional<EarlyIsolationCheck> earlyIsolationCheck(const TakeoverTimings& t) {
    if (!t.pingConfigured || t.intervalMs <= 0)
        return std::nullopt;
    const int downBy = t.timeoutMs - t.intervalMs;
    const int decideBy = downBy - std::max(t.intervalMs, downBy / 4);
    const int at = 2 * t.intervalMs;
    if (decideBy - at < std::max(1, t.pingCheckMs) || decideBy < kEarlyDecisionFloorMs)
        return std::nullopt;
    return EarlyIsolationCheck{at, decideBy, downBy};
}

int isolatedActionLimitMs(const TakeoverTimings& t) {
    return std::max(0, t.timeoutMs - t.intervalMs);
}

int takeoverDelayMs(const PartitionDecision& decision, const TakeoverTimings& t) {
    const QString& m = decision.method;
    if (m == QLatin1String("none"))
        return 0;
    if (m == QLatin1String("ping") && earlyIsolationCheck(t))
        return t.intervalMs;
    int ms = t.intervalMs + t.timeoutMs;
    if (m.startsWith(QLatin1String("ping")))
        ms += t.pingCheckMs;
    if (m.endsWith(QLatin1String("disk")))
        ms += t.lockLimitMs;
    return ms;
}

} // namespace lifeline::policy
