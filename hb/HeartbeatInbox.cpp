#include "HeartbeatInbox.h"

namespace lifeline::hb {

HeartbeatInbox::HeartbeatInbox(const QString& clusterName, const QByteArray& key,
                               CrossPathGate* gate)
    : clusterName_(clusterName), key_(key), gate_(gate) {}

HeartbeatInbox::Verdict HeartbeatInbox::take(const QByteArray& datagram, const QString& sourcePeer,
                                             Clock::time_point now, HeartbeatPacket* packet) {
    ++counters_.received;
    if (sourcePeer.isEmpty()) {
        ++counters_.unknownSender;
        return Verdict::UnknownSender;
    }
    HeartbeatPacket decoded;
    switch (HeartbeatPacket::decode(datagram, clusterName_, key_, &decoded)) {
    case HeartbeatPacket::DecodeResult::Ok:
        break;
    case HeartbeatPacket::DecodeResult::Malformed:
        ++counters_.malformed;
        return Verdict::Malformed;
    case HeartbeatPacket::DecodeResult::ForeignCluster:
        ++counters_.foreignCluster;
        return Verdict::ForeignCluster;
    case HeartbeatPacket::DecodeResult::Forged:
        ++counters_.forged;
        return Verdict::Forged;
    }
    if (decoded.senderName != sourcePeer) {
        ++counters_.unknownSender;
        return Verdict::UnknownSender;
    }
    if (!guard_.wouldAccept(decoded.senderName, decoded.incarnation, decoded.sequence) ||
        (gate_ && !gate_->admit(decoded.senderName, decoded.incarnation, decoded.sequence, now))) {
        ++counters_.replayed;
        return Verdict::Replayed;
    }
    guard_.accept(decoded.senderName, decoded.incarnation, decoded.sequence);
    ++counters_.accepted;
    if (packet)
        *packet = std::move(decoded);
    return Verdict::Accepted;
}

QString describe(HeartbeatInbox::Verdict verdict) {
    switch (verdict) {
    case HeartbeatInbox::Verdict::Accepted:
        return QStringLiteral("accepted");
    case HeartbeatInbox::Verdict::Malformed:
        return QStringLiteral("malformed");
    case HeartbeatInbox::Verdict::ForeignCluster:
        return QStringLiteral("foreign cluster");
    case HeartbeatInbox::Verdict::Forged:
        return QStringLiteral("forged");
    case HeartbeatInbox::Verdict::Replayed:
        return QStringLiteral("replayed");
    case HeartbeatInbox::Verdict::UnknownSender:
        return QStringLiteral("unknown sender");
    }
    return QStringLiteral("?");
}

} // namespace lifeline::hb
