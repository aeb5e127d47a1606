#include "CrossPathGate.h"

namespace lifeline::hb {

void CrossPathGate::record(History& history, quint64 sequence, Clock::time_point now) {
    history.firstSeen[size_t(sequence % kWindow)] = FirstSeen{sequence, now, true};
}

bool CrossPathGate::admit(const QString& sender, quint64 incarnation, quint64 sequence,
                          Clock::time_point now) {
    auto it = senders_.find(sender);
    if (it == senders_.end() || incarnation > it->incarnation) {
        History fresh;
        fresh.incarnation = incarnation;
        fresh.highest = sequence;
        record(fresh, sequence, now);
        senders_.insert(sender, fresh);
        return true;
    }
    History& history = *it;
    if (incarnation < history.incarnation)
        return false;
    if (sequence > history.highest) {
        history.highest = sequence;
        record(history, sequence, now);
        return true;
    }
    if (history.highest - sequence >= quint64(kWindow))
        return false;
    const FirstSeen& slot = history.firstSeen[size_t(sequence % kWindow)];
    return slot.used && slot.sequence == sequence && now - slot.at <= maxSkew_;
}

} // namespace lifeline::hb
