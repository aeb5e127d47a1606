#include "PartitionResolver.h"

#include <algorithm>

namespace lifeline::np {

PartitionResolver::PartitionResolver(Settings settings, PingProber* prober,
                                     ReachablePeers reachable, QObject* parent)
    : QObject(parent), settings_(std::move(settings)), prober_(prober),
      reachable_(std::move(reachable)) {
    settle_.setSingleShot(true);
    settle_.setTimerType(Qt::PreciseTimer);
    connect(&settle_, &QTimer::timeout, this, &PartitionResolver::decide);
}

void PartitionResolver::peerLost(const QString& peer, qint64 lastContactMs) {
    if (pending_.isEmpty() || lastContactMs < earliestContactMs_)
        earliestContactMs_ = lastContactMs;
    pending_.insert(peer);
    if (!settle_.isActive())
        settle_.start(settings_.settleMs);
}

void PartitionResolver::peerBack(const QString& peer) {
    pending_.remove(peer);
    if (pending_.isEmpty())
        cancel();
}

void PartitionResolver::cancel() {
    pending_.clear();
    settle_.stop();
    ++generation_;
}

void PartitionResolver::decide() {
    if (pending_.isEmpty())
        return;
    if (!prober_) {
        finish(false);
        return;
    }
    const int generation = generation_;
    prober_->checkNow(settings_.pingCheckMs, [this, generation](bool answered) {
        if (generation == generation_)
            finish(answered);
    });
}

void PartitionResolver::finish(bool pingAnswers) {
    if (pending_.isEmpty())
        return;
    policy::PartitionInput input;
    input.servers = settings_.servers;
    input.local = settings_.local;
    input.reachable = reachable_();
    QStringList lost(pending_.begin(), pending_.end());
    std::sort(lost.begin(), lost.end());
    input.lost = lost;
    input.pingConfigured = prober_ != nullptr;
    input.pingReachableNow = pingAnswers;
    input.pingReachableBefore = prober_ && prober_->wasReachableAt(earliestContactMs_);
    pending_.clear();
    emit resolved(policy::resolvePartition(input), lost);
}

} // namespace lifeline::np
