#include "LoginLimiter.h"

#include <QDeadlineTimer>

namespace lifeline::webmgr {

namespace {
constexpr int kMaxAddresses = 4096; // bounded memory whatever the number of clients
}

LoginLimiter::LoginLimiter(int maxFailures, qint64 windowMs, Clock clock)
    : max_(maxFailures), windowMs_(windowMs), clock_(std::move(clock)) {
    if (!clock_)
        clock_ = [] { return QDeadlineTimer::current().deadline(); };
}

void LoginLimiter::prune(const QString& address) {
    auto it = failures_.find(address);
    if (it == failures_.end())
        return;
    const qint64 now = clock_();
    while (!it->isEmpty() && now - it->first() >= windowMs_)
        it->removeFirst();
    if (it->isEmpty())
        failures_.erase(it);
}

bool LoginLimiter::blocked(const QString& address) {
    prune(address);
    return failures_.value(address).size() >= max_;
}

int LoginLimiter::fail(const QString& address) {
    prune(address);
    if (failures_.size() >= kMaxAddresses && !failures_.contains(address)) {
        const auto keys = failures_.keys();
        for (const auto& k : keys)
            prune(k);
        if (failures_.size() >= kMaxAddresses)
            failures_.erase(failures_.begin());
    }
    auto& list = failures_[address];
    list << clock_();
    return int(list.size());
}

qint64 LoginLimiter::retryAfterMs(const QString& address) {
    prune(address);
    const auto list = failures_.value(address);
    if (list.size() < max_)
        return 0;
    return qMax<qint64>(0, list.first() + windowMs_ - clock_());
}

} // namespace lifeline::webmgr
