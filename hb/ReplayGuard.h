#pragma once

#include <QHash>
#include <QString>
#include <bitset>

namespace lifeline::hb {

// Rejects heartbeat packets seen before, per sender:
// - a higher incarnation (the sender restarted) starts afresh;
// - a lower incarnation is a replay;
// - within an incarnation, a sliding window of kWindow sequence numbers below the highest
//   accepted one remembers what was accepted: a number already accepted, or older than the
//   window, is a replay; a newer one slides the window.
//
// One guard per path: a packet is sent on every path with the same sequence number, so a guard
// shared by the paths would take the second copy for a replay. CrossPathGate stops a packet
// recorded on one path from being replayed on another.
//
// Call accept() only for authenticated packets, so that forgeries cannot move the window.
class ReplayGuard {
public:
    static constexpr int kWindow = 128;

    // True (and remembered) when the packet is fresh.
    bool accept(const QString& sender, quint64 incarnation, quint64 sequence);
    // The same answer as accept() without remembering anything.
    bool wouldAccept(const QString& sender, quint64 incarnation, quint64 sequence) const;

    void forget(const QString& sender) { senders_.remove(sender); }
    void clear() { senders_.clear(); }

private:
    struct Window {
        quint64 incarnation = 0;
        quint64 highest = 0;
        std::bitset<kWindow> seen; // bit i: highest - i was accepted
    };
    QHash<QString, Window> senders_;
};

} // namespace lifeline::hb
