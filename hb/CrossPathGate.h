#pragma once

#include "ReplayGuard.h"

#include <QHash>
#include <QString>
#include <array>
#include <chrono>

namespace lifeline::hb {

// Shared by all paths of one receiver. Each path has its own ReplayGuard (a packet legitimately
// arrives once per path), so on its own a path would accept, once, a packet recorded on another
// path; an attacker could then keep a dead peer "alive" on a silent path by replaying its last
// packets there, one by one. This gate admits a copy only while it is fresh:
// - a sequence number above every one seen so far (of this incarnation);
// - or one already seen, whose first copy (on any path) arrived at most maxSkew ago: copies
//   are sent back to back, so a genuine one is never that late, and a replayed one is.
// A number below the highest that was never seen is refused too: it was sent before a packet
// already heard, so it proves nothing new, and a recording injected late looks exactly like it.
// The price of a false refusal is one dropped copy. Incarnations work as in ReplayGuard.
//
// Pure logic: the caller passes the time from a monotonic clock.
class CrossPathGate {
public:
    using Clock = std::chrono::steady_clock;
    static constexpr int kWindow = ReplayGuard::kWindow;

    explicit CrossPathGate(std::chrono::milliseconds maxSkew) : maxSkew_(maxSkew) {}

    void setMaxSkew(std::chrono::milliseconds maxSkew) { maxSkew_ = maxSkew; }
    std::chrono::milliseconds maxSkew() const { return maxSkew_; }

    // True when the copy is fresh; remembers when a new sequence number was first seen.
    bool admit(const QString& sender, quint64 incarnation, quint64 sequence, Clock::time_point now);

    void clear() { senders_.clear(); }

private:
    struct FirstSeen {
        quint64 sequence = 0;
        Clock::time_point at;
        bool used = false;
    };
    struct History {
        quint64 incarnation = 0;
        quint64 highest = 0;
        std::array<FirstSeen, kWindow> firstSeen; // index: sequence % kWindow
    };
    static void record(History& history, quint64 sequence, Clock::time_point now);

    std::chrono::milliseconds maxSkew_;
    QHash<QString, History> senders_;
};

} // namespace lifeline::hb
