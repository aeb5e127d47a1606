#pragma once

#include "CrossPathGate.h"
#include "HeartbeatCounters.h"
#include "HeartbeatPacket.h"
#include "ReplayGuard.h"

#include <QByteArray>
#include <QString>
#include <chrono>

namespace lifeline::hb {

// The checks every datagram received on one path passes before it counts as a heartbeat, and
// that path's counters. In order:
//  1. the transport must attribute the source to a peer of this path (else unknownSender;
//     checked before the MAC so that a stranger's datagram costs no HMAC);
//  2. the packet must decode (malformed), verify with the key (forged) and name our cluster
//     (foreignCluster);
//  3. the authenticated sender name must be the peer the source belongs to (else
//     unknownSender: a member's packet reflected, or a misconfigured address);
//  4. it must be fresh on this path (ReplayGuard) and across paths (CrossPathGate), else
//     replayed. Only authenticated packets reach the replay state.
class HeartbeatInbox {
public:
    using Clock = std::chrono::steady_clock;
    enum class Verdict { Accepted, Malformed, ForeignCluster, Forged, Replayed, UnknownSender };

    // `gate` is shared by the paths of one receiver and must outlive the inbox; may be null.
    HeartbeatInbox(const QString& clusterName, const QByteArray& key, CrossPathGate* gate);

    // `sourcePeer`: the peer the transport attributes the datagram to, empty for none.
    // `packet` is filled when the verdict is Accepted.
    Verdict take(const QByteArray& datagram, const QString& sourcePeer, Clock::time_point now,
                 HeartbeatPacket* packet);

    void countSent(quint64 datagrams) { counters_.sent += datagrams; }
    const HeartbeatCounters& counters() const { return counters_; }

private:
    QString clusterName_;
    QByteArray key_;
    CrossPathGate* gate_;
    ReplayGuard guard_;
    HeartbeatCounters counters_;
};

// For messages and logs.
QString describe(HeartbeatInbox::Verdict verdict);

} // namespace lifeline::hb
