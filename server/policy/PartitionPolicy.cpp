#include "PartitionPolicy.h"

namespace lifeline::policy {

QString verdictName(Verdict v) {
    switch (v) {
    case Verdict::Survive: return QStringLiteral("survive");
    case Verdict::Isolated: return QStringLiteral("isolated");
    case Verdict::NoResolution: return QStringLiteral("no-resolution");
    }
    return {};
}

static PartitionDecision byPing(const PartitionInput& in, const QString& prefix) {
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

PartitionDecision resolvePartition(const PartitionInput& in) {
    const int total = int(in.servers.size());
    int alive = 1; // this server
    for (const auto& s : in.reachable)
        if (s != in.local && in.servers.contains(s))
            ++alive;
    if (total >= 3) {
        const QString count = QStringLiteral("%1 of %2 servers").arg(alive).arg(total);
        if (2 * alive > total)
            return {Verdict::Survive, QStringLiteral("majority"),
                    QStringLiteral("this side has %1, a majority").arg(count), false};
        if (2 * alive < total)
            return {Verdict::Isolated, QStringLiteral("majority"),
                    QStringLiteral("this side has %1, a minority").arg(count), false};
        return byPing(in, QStringLiteral("this side has %1, exactly half; ").arg(count));
    }
    return byPing(in, QString());
}

int takeoverDelayMs(const PartitionDecision& decision, int intervalMs, int timeoutMs, int pingCheckMs) {
    if (decision.method == QLatin1String("ping"))
        return intervalMs + pingCheckMs + timeoutMs;
    if (decision.method == QLatin1String("majority"))
        return intervalMs + timeoutMs;
    return 0;
}

} // namespace lifeline::policy
