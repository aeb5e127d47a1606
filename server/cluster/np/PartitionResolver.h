#pragma once

#include "DiskLock.h"
#include "PartitionPolicy.h"
#include "PingProber.h"

#include <QObject>
#include <QSet>
#include <QTimer>

#include <functional>

namespace lifeline::np {

// Runs network-partition resolution when servers are lost: waits for the view to
// settle (in a split, the servers on the other side time out within about one
// interval of each other, and a majority count taken at the first loss would be
// wrong), checks afresh whether a ping target answers, tries to take the disk
// lock when the decision needs a tie-breaker and ping has not already isolated
// this side, then asks the policy.
// Nothing may take over a lost server's groups before `resolved` says Survive.
class PartitionResolver : public QObject {
    Q_OBJECT
public:
    struct Settings {
        QStringList servers;
        QString local;
        int settleMs = 2000;
        int pingCheckMs = 1000;
    };
    using ReachablePeers = std::function<QStringList()>;
    using LockDelay = std::function<int()>; // how long to wait before trying the disk lock

    // `prober` and `lock` may be null (no pingnp / disknp); they must outlive the resolver.
    PartitionResolver(Settings settings, PingProber* prober, DiskLock* lock,
                      ReachablePeers reachable, LockDelay lockDelay = {}, QObject* parent = nullptr);

    // A server's heartbeats all timed out; `lastContactMs` is the monotonic time
    // it was last heard.
    void peerLost(const QString& peer, qint64 lastContactMs);
    // A lost server was heard again before the decision.
    void peerBack(const QString& peer);
    // `silent` have not been heard for policy::earlyIsolationCheck's time, since
    // `lastContactMs` at the earliest, but have not timed out yet: ping afresh for
    // `listenMs` and, if no target answers and ping isolates this side, say so
    // (`isolatedEarly`). Nothing is said otherwise; the timeout resolves as usual.
    void checkEarly(const QStringList& silent, qint64 lastContactMs, int listenMs);
    // Forget everything pending (cluster stopped or suspended).
    void cancel();
    bool busy() const { return !pending_.isEmpty(); }

signals:
    void resolved(const lifeline::policy::PartitionDecision& decision, const QStringList& lost);
    void isolatedEarly(const lifeline::policy::PartitionDecision& decision, const QStringList& silent,
                       qint64 lastContactMs);

private:
    void decide();
    void pingChecked(bool pingAnswers);
    policy::PartitionInput input(const QStringList& lost, qint64 earliestContactMs, bool pingAnswers) const;
    void finish(policy::PartitionInput input);

    Settings settings_;
    PingProber* prober_;
    DiskLock* lock_;
    ReachablePeers reachable_;
    LockDelay lockDelay_;
    QSet<QString> pending_;
    qint64 earliestContactMs_ = 0;
    QTimer settle_;
    int generation_ = 0; // invalidates a ping check that was overtaken by cancel()
};

} // namespace lifeline::np
