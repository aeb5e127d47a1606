#include "ReplayGuard.h"

namespace lifeline::hb {

bool ReplayGuard::wouldAccept(const QString& sender, quint64 incarnation, quint64 sequence) const {
    const auto it = senders_.constFind(sender);
    if (it == senders_.cend() || incarnation > it->incarnation)
        return true;
    if (incarnation < it->incarnation)
        return false;
    if (sequence > it->highest)
        return true;
    const quint64 age = it->highest - sequence;
    return age < quint64(kWindow) && !it->seen.test(size_t(age));
}

bool ReplayGuard::accept(const QString& sender, quint64 incarnation, quint64 sequence) {
    if (!wouldAccept(sender, incarnation, sequence))
        return false;
    auto it = senders_.find(sender);
    if (it == senders_.end() || incarnation > it->incarnation) {
        Window fresh;
        fresh.incarnation = incarnation;
        fresh.highest = sequence;
        fresh.seen.set(0);
        senders_.insert(sender, fresh);
        return true;
    }
    Window& window = *it;
    if (sequence > window.highest) {
        const quint64 shift = sequence - window.highest;
        if (shift >= quint64(kWindow))
            window.seen.reset();
        else
            window.seen <<= size_t(shift);
        window.highest = sequence;
        window.seen.set(0);
    } else {
        window.seen.set(size_t(window.highest - sequence));
    }
    return true;
}

} // namespace lifeline::hb
