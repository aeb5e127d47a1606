#pragma once

#include <QByteArray>
#include <QString>

namespace lifeline::hb {

// One heartbeat as it travels on every path. The wire format (network byte order) is the table
// in README.md; the MAC is HMAC-SHA256 with the cluster heartbeat key over every byte before it.
struct HeartbeatPacket {
    static constexpr quint8 kMagic[4] = {'L', 'L', 'H', 'B'};
    static constexpr quint8 kVersion = 1;
    static constexpr int kMaxNameBytes = 255; // UTF-8 bytes of the cluster and server names
    static constexpr int kConfigHashBytes = 32;
    static constexpr int kMacBytes = 32;
    static constexpr int kMinSize =
        4 + 1 + (1 + 1) + (1 + 1) + 8 + 8 + kConfigHashBytes + 1 + 1 + kMacBytes;
    static constexpr int kMaxSize = kMinSize - 2 + 2 * kMaxNameBytes;

    // The sender's cluster state.
    enum State : quint8 { Stopped = 0, Starting = 1, Online = 2, Suspended = 3 };
    static constexpr quint8 kMaxState = Suspended;

    // Graceful stop: peers mark the sender offline at once and do not treat it as a failure.
    static constexpr quint8 kFlagLeaving = 0x01;
    static constexpr quint8 kKnownFlags = kFlagLeaving;

    enum class DecodeResult { Ok, Malformed, ForeignCluster, Forged };

    QString clusterName;
    QString senderName;
    quint64 incarnation = 0; // sender's start time (ns since the epoch): a restart is higher
    quint64 sequence = 0;    // +1 per packet of the sender, the same on every path
    QByteArray configHash;   // SHA-256 of the sender's configuration
    quint8 state = Stopped;
    quint8 flags = 0;

    bool leaving() const { return flags & kFlagLeaving; }

    // The datagram, or an empty array when a field cannot be encoded (a name empty or longer
    // than kMaxNameBytes, a hash that is not 32 bytes, unknown flags or state, an empty key).
    QByteArray encode(const QByteArray& key) const;

    // Checks, in this order: structure (Malformed), MAC (Forged), cluster name (ForeignCluster).
    // The name is compared only once the MAC holds, so ForeignCluster always means "sent with
    // our key for another cluster" and an attacker without the key can only produce Forged or
    // Malformed. `out` is filled only on Ok.
    static DecodeResult decode(const QByteArray& datagram, const QString& clusterName,
                               const QByteArray& key, HeartbeatPacket* out);

    // A new incarnation number: CLOCK_REALTIME in ns. The wall clock is right here because the
    // number must grow across restarts and reboots; it is never used to measure a timeout.
    static quint64 newIncarnation();
};

// For messages and logs.
QString describe(HeartbeatPacket::DecodeResult result);

// HMAC-SHA256 of `size` bytes at `data` with `key` (the cluster heartbeat key): also signs the
// disk lock of disknp. False when the key is empty or OpenSSL fails.
bool hmacSha256(const QByteArray& key, const char* data, qsizetype size,
                unsigned char (&out)[HeartbeatPacket::kMacBytes]);

} // namespace lifeline::hb
