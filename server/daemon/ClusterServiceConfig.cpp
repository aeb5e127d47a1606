// The configuration half of the ClusterService: taking a pushed configuration into use
// while the service runs (clpcfctrl --push, ConfigDistributor).
#include "ClusterService.h"

#include "DiskLock.h"
#include "HeartbeatManager.h"
#include "PartitionResolver.h"
#include "PingProber.h"

namespace lifeline::daemon {

policy::ApplyState ClusterService::localApplyState() const {
    policy::ApplyState s;
    s.cluster = state_ == ClusterState::Stopped     ? policy::ClusterRunState::Stopped
                : state_ == ClusterState::Suspended ? policy::ClusterRunState::Suspended
                                                    : policy::ClusterRunState::Online;
    s.suspendedMonitors = monitors_.suspendedMonitors();
    for (const auto& g : config_.groups)
        if (!executor_.table().groups.value(g.name).active() && !executor_.busy(g.name))
            s.stoppedGroups << g.name;
    return s;
}

void ClusterService::applyConfig(config::ClusterConfig next, config::ConfigDocument document) {
    using Op = policy::ApplyOperation;
    const auto decision = policy::decideApply(config_, next, &document_, &document);
    // Heartbeats and partition resolution are made from the configuration once: a change
    // to them (ApplyPolicy: suspend or stop the cluster) sets them up again.
    const bool layer = decision.needs(Op::SuspendCluster) || decision.needs(Op::StopCluster) ||
                       decision.needs(Op::ShutdownAndReboot);
    QHash<QString, bool> sameBefore;
    for (auto it = peers_.begin(); it != peers_.end(); ++it)
        if (!it->configHash.isEmpty())
            sameBefore.insert(it.key(), sameConfig(it->configHash));

    // Stop what is set up again while config_ is still the one it was made from.
    const bool beating = heartbeats_ != nullptr;
    quint64 sequence = 0;
    if (layer) {
        if (beating) {
            sequence = heartbeats_->snapshot().sequence;
            stopHeartbeats(false); // no goodbye: the replacement goes on at once
        }
        resolver_.reset(); // it refers to the prober and the disk lock
        if (prober_)
            prober_->stop();
        if (diskLock_)
            diskLock_->stop();
        prober_.reset();
        diskLock_.reset();
    }

    const QByteArray oldHash = configHash_;
    config_ = std::move(next);
    document_ = std::move(document);
    configHash_ = document_.contentHash();
    if (!transitionHash_.isEmpty())
        transitionHash_ = oldHash; // the servers not switched yet run the old one

    const QStringList now = peers();
    for (const auto& p : peers_.keys())
        if (!now.contains(p)) {
            peers_.remove(p);
            down_.remove(p);
            quietPeerUp_.remove(p);
        }
    for (const auto& p : now)
        if (!peers_.contains(p))
            peers_.insert(p, Peer{});

    executor_.reloadConfig(decision.groups);
    monitors_.reloadConfig(decision.monitors);
    freezeCheck_.setInterval(std::max(20, std::min(100, config_.cluster.heartbeatIntervalMs / 2)));
    periodic_.setInterval(std::max(200, std::min(1000, config_.cluster.heartbeatIntervalMs * 2)));

    if (layer) {
        setUpPartitionResolution();
        if (state_ != ClusterState::Stopped) {
            QString error;
            if (prober_ && !prober_->start(&error))
                alerts_.warning(
                    QStringLiteral("np"), alert::PingTargetLost,
                    QStringLiteral("Network partition resolution by ping cannot start: %1")
                        .arg(error));
            if (diskLock_)
                diskLock_->start();
        }
        if (beating)
            replaceHeartbeats(sequence);
    } else if (heartbeats_) {
        heartbeats_->setConfigHash(configHash_);
    }
    announceConfigDifferences(sameBefore);
    evaluateSoon();
}

// The heartbeats of the new configuration, numbered on from the old manager's, so that
// the peers hear one sender that goes on (not a restart, not a replay).
void ClusterService::replaceHeartbeats(quint64 lastSequence) {
    for (auto it = peers_.begin(); it != peers_.end(); ++it)
        if (it->up)
            quietPeerUp_.insert(it.key()); // the new manager announces them again
    createHeartbeats();
    heartbeats_->continueSequence(lastSequence);
    heartbeats_->setLocalState(quint8(state_));
    for (const auto& issue : heartbeats_->setupIssues())
        alerts_.warning(QStringLiteral("hb"), alert::PathOffline, issue);
    heartbeats_->start();
}

void ClusterService::beginConfigTransition(const QByteArray& otherHash) {
    transitionHash_ = otherHash == configHash_ ? QByteArray() : otherHash;
}

void ClusterService::endConfigTransition() {
    if (transitionHash_.isEmpty())
        return;
    // A peer that switched a moment ago says so with its next heartbeat: the old
    // configuration counts for two more intervals before a difference is one.
    const QByteArray ending = transitionHash_;
    QTimer::singleShot(2 * config_.cluster.heartbeatIntervalMs + 100, this, [this, ending] {
        if (transitionHash_ != ending)
            return; // another push took over meanwhile
        QHash<QString, bool> sameBefore;
        for (auto it = peers_.begin(); it != peers_.end(); ++it)
            if (!it->configHash.isEmpty())
                sameBefore.insert(it.key(), sameConfig(it->configHash));
        transitionHash_.clear();
        announceConfigDifferences(sameBefore);
        evaluateSoon();
    });
}

// Alerts 204/205 for the peers whose configuration matches ours differently now (ours
// changed, or a push ended), as onPeerConfigHash does when theirs changes.
void ClusterService::announceConfigDifferences(const QHash<QString, bool>& sameBefore) {
    for (auto it = peers_.begin(); it != peers_.end(); ++it) {
        if (it->configHash.isEmpty() || !sameBefore.contains(it.key()))
            continue;
        const bool before = sameBefore.value(it.key());
        const bool after = sameConfig(it->configHash);
        if (before && !after)
            alerts_.warning(
                QStringLiteral("cluster"), alert::ConfigMismatch,
                QStringLiteral("Server %1 runs a different configuration (%2, here %3): "
                               "no group starts until they match.")
                    .arg(it.key(), QString::fromLatin1(it->configHash.toHex().left(12)),
                         QString::fromLatin1(configHash_.toHex().left(12))));
        else if (!before && after)
            alerts_.info(
                QStringLiteral("cluster"), alert::ConfigMatch,
                QStringLiteral("Server %1 runs the same configuration again.").arg(it.key()));
    }
}

} // namespace lifeline::daemon
