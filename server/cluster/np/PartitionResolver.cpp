#include "PartitionResolver.h"

#include <algorithm>

namespace lifeline::np {

PartitionResolver::PartitionResolver(Settings settings, PingProber* prober, DiskLock* lock,
                                     ReachablePeers reachable, LockDelay lockDelay,
                                     QObject* parent)
    : QObject(parent), settings_(std::move(settings)), prober_(prober), lock_(lock),
      reachable_(std::move(reachable)), lockDelay_(std::move(lockDelay)) {
    settle_.setSingleShot(true);
    settle_.setTimerType(Qt::PreciseTimer);
    connect(&settle_, &QTimer::timeout, this, &PartitionResolver::decide);
}

void PartitionResolver::peerLost(const QString& peer, qint64 lastContactMs) {
    if (pending_.isEmpty() || lastContactMs < earliestContactMs_)
        earliestContactMs_ = lastContactMs;
    pending_.insert(peer);
    // Every other server lost: there is nothing left to settle.
    if (qsizetype(pending_.size()) >= settings_.servers.size() - 1)
        settle_.start(0);
    else if (!settle_.isActive())
        settle_.start(settings_.settleMs);
}

void PartitionResolver::peerBack(const QString& peer) {
    pending_.remove(peer);
    if (pending_.isEmpty())
        cancel();
}

void PartitionResolver::checkEarly(const QStringList& silent, qint64 lastContactMs, int listenMs) {
    if (!prober_ || busy() || silent.isEmpty())
        return;
    const int generation = generation_;
    prober_->checkNow(listenMs, [this, generation, silent, lastContactMs](bool answered) {
        if (generation != generation_ || busy())
            return;
        const auto d = policy::resolvePartition(input(silent, lastContactMs, answered));
        if (d.verdict == policy::Verdict::Isolated && d.method == QLatin1String("ping"))
            emit isolatedEarly(d, silent, lastContactMs);
    });
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
        pingChecked(false);
        return;
    }
    const int generation = generation_;
    prober_->checkNow(settings_.pingCheckMs, [this, generation](bool answered) {
        if (generation == generation_)
            pingChecked(answered);
    });
}

policy::PartitionInput PartitionResolver::input(const QStringList& lost, qint64 earliestContactMs,
                                               bool pingAnswers) const {
    policy::PartitionInput in;
    in.servers = settings_.servers;
    in.local = settings_.local;
    for (const auto& peer : reachable_())
        if (!lost.contains(peer)) // not yet timed out, but silent: early check
            in.reachable << peer;
    in.lost = lost;
    std::sort(in.lost.begin(), in.lost.end());
    in.pingConfigured = prober_ != nullptr;
    in.pingReachableNow = pingAnswers;
    in.pingReachableBefore = prober_ && prober_->wasReachableAt(earliestContactMs);
    in.lockConfigured = lock_ != nullptr;
    return in;
}

void PartitionResolver::pingChecked(bool pingAnswers) {
    if (pending_.isEmpty())
        return;
    auto in = input(QStringList(pending_.begin(), pending_.end()), earliestContactMs_, pingAnswers);
    if (!lock_ || !policy::needsTieBreaker(in) || policy::pingIsolates(in)) {
        finish(in);
        return;
    }
    const int generation = generation_;
    lock_->acquire(lockDelay_ ? lockDelay_() : 0,
                   [this, generation, in](bool won, const QString& reason) mutable {
        if (generation != generation_)
            return;
        in.lockWon = won;
        in.lockReason = reason;
        in.reachable = reachable_(); // the view may have moved while the disk answered
        finish(in);
    });
}

void PartitionResolver::finish(policy::PartitionInput in) {
    if (pending_.isEmpty())
        return;
    const QStringList lost = in.lost;
    pending_.clear();
    emit resolved(policy::resolvePartition(in), lost);
}

} // namespace lifeline::np
