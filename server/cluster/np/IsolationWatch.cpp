#include "IsolationWatch.h"

#include "PartitionResolver.h"
#include "PingProber.h"

#include <algorithm>

namespace lifeline::np {

IsolationWatch::IsolationWatch(Silences silences, PartitionResolver* resolver, QObject* parent)
    : QObject(parent), silences_(std::move(silences)), resolver_(resolver) {
    tick_.setTimerType(Qt::PreciseTimer);
    connect(&tick_, &QTimer::timeout, this, &IsolationWatch::tick);
}

void IsolationWatch::setCheck(std::optional<policy::EarlyIsolationCheck> check) {
    check_ = check;
}

void IsolationWatch::start(int tickMs) {
    checked_.clear();
    tick_.start(std::max(10, tickMs));
}

void IsolationWatch::stop() {
    tick_.stop();
    checked_.clear();
}

bool IsolationWatch::stillSilent(const QStringList& servers) const {
    if (!check_)
        return false;
    const auto silences = silences_();
    return std::all_of(servers.begin(), servers.end(), [&](const QString& s) {
        return silences.value(s, -1) >= check_->atSilenceMs;
    });
}

void IsolationWatch::tick() {
    if (!check_)
        return;
    QStringList silent;
    qint64 longest = 0;
    const auto silences = silences_();
    for (auto it = silences.begin(); it != silences.end(); ++it)
        if (it.value() >= check_->atSilenceMs) {
            silent << it.key();
            longest = std::max(longest, it.value());
        }
    std::sort(silent.begin(), silent.end());
    if (silent.isEmpty()) {
        checked_.clear();
        return;
    }
    if (std::all_of(silent.begin(), silent.end(), [this](const QString& s) { return checked_.contains(s); }))
        return;
    checked_ = silent;
    // The oldest contact: ping must have answered since then to count as "before", and the
    // deadlines run from it (the strictest). Listen until the decision is due.
    const qint64 contact = PingProber::nowMs() - longest;
    // (A loop that ran late may be past the decision point already: decide at once.)
    resolver_->checkEarly(silent, contact, int(std::max<qint64>(1, check_->decideBySilenceMs - longest)));
}

} // namespace lifeline::np
