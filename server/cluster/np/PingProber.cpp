#include "PingProber.h"

#include <ctime>

namespace lifeline::np {

namespace {
constexpr qint64 kHistoryMs = 3600 * 1000;
constexpr int kBurst = 3; // echoes per target in a fresh check, spread over its timeout
} // namespace

qint64 PingProber::nowMs() {
    timespec ts{};
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return qint64(ts.tv_sec) * 1000 + ts.tv_nsec / 1000000;
}

PingProber::PingProber(QList<QHostAddress> targets, int intervalMs, int timeoutMs, int retry,
                       QObject* parent)
    : QObject(parent), targets_(std::move(targets)), intervalMs_(intervalMs),
      timeoutMs_(timeoutMs), retry_(qMax(1, retry)), misses_(targets_.size(), 0) {
    interval_.setTimerType(Qt::PreciseTimer);
    connect(&interval_, &QTimer::timeout, this, [this] { probeAll(0); });
    expiry_.setTimerType(Qt::PreciseTimer);
    connect(&expiry_, &QTimer::timeout, this, &PingProber::expire);
}

bool PingProber::start(QString* error) {
    for (const auto& t : targets_) {
        const bool v6 = t.protocol() == QAbstractSocket::IPv6Protocol;
        auto& socket = v6 ? v6_ : v4_;
        if (socket)
            continue;
        socket = std::make_unique<IcmpSocket>(v6 ? QAbstractSocket::IPv6Protocol
                                                 : QAbstractSocket::IPv4Protocol);
        if (!socket->isOpen()) {
            if (error)
                *error = socket->errorString();
            return false;
        }
        connect(socket.get(), &IcmpSocket::echoReply, this, &PingProber::onReply);
    }
    history_ = {{nowMs(), false}};
    probeAll(0);
    interval_.start(intervalMs_);
    expiry_.start(qBound(10, timeoutMs_ / 4, 100));
    return true;
}

void PingProber::stop() {
    interval_.stop();
    expiry_.stop();
    while (!checks_.empty())
        finishCheck(checks_.begin()->first, false);
}

IcmpSocket* PingProber::socketFor(const QHostAddress& target) {
    return target.protocol() == QAbstractSocket::IPv6Protocol ? v6_.get() : v4_.get();
}

void PingProber::probeAll(int check) {
    const qint64 now = nowMs();
    for (int i = 0; i < targets_.size(); ++i) {
        const quint16 seq = nextSequence_++;
        if (nextSequence_ == 0)
            nextSequence_ = 1;
        auto* socket = socketFor(targets_[i]);
        if (socket && socket->sendEcho(targets_[i], seq))
            outstanding_.insert(seq, {i, now, check});
        else if (check == 0)
            ++misses_[i]; // "network unreachable" and the like count as a miss
    }
}

void PingProber::onReply(const QHostAddress& from, quint16 sequence) {
    const auto it = outstanding_.find(sequence);
    if (it == outstanding_.end())
        return;
    const Outstanding o = *it;
    if (!from.isEqual(targets_[o.target], QHostAddress::TolerantConversion))
        return;
    outstanding_.erase(it);
    misses_[o.target] = 0;
    setReachable(true);
    if (o.check)
        finishCheck(o.check, true);
}

void PingProber::expire() {
    const qint64 now = nowMs();
    for (auto it = outstanding_.begin(); it != outstanding_.end();) {
        if (now - it->sentAtMs < timeoutMs_) {
            ++it;
            continue;
        }
        if (it->check == 0)
            ++misses_[it->target];
        it = outstanding_.erase(it);
    }
    bool any = false;
    for (int m : misses_)
        any |= m < retry_;
    setReachable(any && anyReachable_);
}

void PingProber::setReachable(bool reachable) {
    if (reachable == anyReachable_)
        return;
    anyReachable_ = reachable;
    const qint64 now = nowMs();
    history_.append({now, reachable});
    while (history_.size() > 2 && now - history_[1].first > kHistoryMs)
        history_.removeFirst();
    emit reachabilityChanged(reachable);
}

bool PingProber::wasReachableAt(qint64 atMs) const {
    bool state = false;
    for (const auto& [time, reachable] : history_) {
        if (time > atMs)
            break;
        state = reachable;
    }
    return state;
}

void PingProber::checkNow(int timeoutMs, std::function<void(bool)> done) {
    const int id = nextCheck_++;
    auto& check = checks_[id];
    check.done = std::move(done);
    check.deadline = std::make_unique<QTimer>();
    check.deadline->setSingleShot(true);
    connect(check.deadline.get(), &QTimer::timeout, this, [this, id] { finishCheck(id, false); });
    check.deadline->start(timeoutMs);
    check.resend = std::make_unique<QTimer>();
    connect(check.resend.get(), &QTimer::timeout, this, [this, id] { probeAll(id); });
    check.resend->start(qMax(10, timeoutMs / kBurst));
    probeAll(id);
}

void PingProber::finishCheck(int check, bool answered) {
    auto it = checks_.find(check);
    if (it == checks_.end())
        return;
    auto done = std::move(it->second.done);
    // The timers may be the sender of the signal being handled: delete later.
    it->second.deadline.release()->deleteLater();
    it->second.resend.release()->deleteLater();
    checks_.erase(it);
    if (done)
        done(answered);
}

} // namespace lifeline::np
