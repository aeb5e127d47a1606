#include "HeartbeatPacket.h"

#include <QtEndian>
#include <chrono>
#include <cstring>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <optional>

namespace lifeline::hb {

bool hmacSha256(const QByteArray& key, const char* data, qsizetype size,
                unsigned char (&out)[HeartbeatPacket::kMacBytes]) {
    if (key.isEmpty())
        return false;
    size_t written = 0;
    const unsigned char* result = EVP_Q_mac(
        nullptr, "HMAC", nullptr, "SHA256", nullptr, key.constData(), size_t(key.size()),
        reinterpret_cast<const unsigned char*>(data), size_t(size), out, sizeof out, &written);
    return result && written == sizeof out;
}

namespace {

void appendUint64(QByteArray& bytes, quint64 value) {
    char buffer[8];
    qToBigEndian(value, buffer);
    bytes.append(buffer, 8);
}

void appendName(QByteArray& bytes, const QByteArray& utf8) {
    bytes.append(char(quint8(utf8.size())));
    bytes.append(utf8);
}

// Sequential reader over the received bytes; every read is bounds-checked.
class Reader {
public:
    explicit Reader(const QByteArray& bytes) : bytes_(bytes) {}
    bool has(qsizetype n) const { return pos_ + n <= bytes_.size(); }
    quint8 byte() { return quint8(bytes_[pos_++]); }
    QByteArray take(qsizetype n) {
        QByteArray part = bytes_.mid(pos_, n);
        pos_ += n;
        return part;
    }
    quint64 uint64() {
        const quint64 value = qFromBigEndian<quint64>(bytes_.constData() + pos_);
        pos_ += 8;
        return value;
    }
    qsizetype pos() const { return pos_; }

private:
    const QByteArray& bytes_;
    qsizetype pos_ = 0;
};

bool validName(const QByteArray& utf8) {
    return !utf8.isEmpty() && utf8.size() <= HeartbeatPacket::kMaxNameBytes;
}

// Strict UTF-8: the bytes must survive a round trip.
std::optional<QString> decodeName(const QByteArray& utf8) {
    QString name = QString::fromUtf8(utf8);
    if (name.toUtf8() != utf8)
        return std::nullopt;
    return name;
}

} // namespace

QByteArray HeartbeatPacket::encode(const QByteArray& key) const {
    const QByteArray cluster = clusterName.toUtf8();
    const QByteArray sender = senderName.toUtf8();
    if (!validName(cluster) || !validName(sender) || configHash.size() != kConfigHashBytes ||
        state > kMaxState || (flags & ~kKnownFlags))
        return {};
    QByteArray bytes;
    bytes.reserve(kMinSize - 2 + cluster.size() + sender.size());
    bytes.append(reinterpret_cast<const char*>(kMagic), sizeof kMagic);
    bytes.append(char(kVersion));
    appendName(bytes, cluster);
    appendName(bytes, sender);
    appendUint64(bytes, incarnation);
    appendUint64(bytes, sequence);
    bytes.append(configHash);
    bytes.append(char(state));
    bytes.append(char(flags));
    unsigned char mac[kMacBytes];
    if (!hmacSha256(key, bytes.constData(), bytes.size(), mac))
        return {};
    bytes.append(reinterpret_cast<const char*>(mac), kMacBytes);
    return bytes;
}

HeartbeatPacket::DecodeResult HeartbeatPacket::decode(const QByteArray& datagram,
                                                      const QString& clusterName,
                                                      const QByteArray& key, HeartbeatPacket* out) {
    if (datagram.size() < kMinSize || datagram.size() > kMaxSize)
        return DecodeResult::Malformed;
    Reader in(datagram);
    if (std::memcmp(in.take(sizeof kMagic).constData(), kMagic, sizeof kMagic) != 0)
        return DecodeResult::Malformed;
    if (in.byte() != kVersion)
        return DecodeResult::Malformed;
    const int clusterBytes = in.byte();
    if (clusterBytes == 0 || !in.has(clusterBytes + 1))
        return DecodeResult::Malformed;
    const QByteArray cluster = in.take(clusterBytes);
    const int senderBytes = in.byte();
    // The lengths must account for the datagram exactly: no trailing bytes.
    if (senderBytes == 0 || datagram.size() != kMinSize - 2 + clusterBytes + senderBytes)
        return DecodeResult::Malformed;
    const QByteArray sender = in.take(senderBytes);
    HeartbeatPacket packet;
    packet.incarnation = in.uint64();
    packet.sequence = in.uint64();
    packet.configHash = in.take(kConfigHashBytes);
    packet.state = in.byte();
    packet.flags = in.byte();
    if (packet.state > kMaxState || (packet.flags & ~kKnownFlags))
        return DecodeResult::Malformed;
    const auto clusterText = decodeName(cluster);
    const auto senderText = decodeName(sender);
    if (!clusterText || !senderText)
        return DecodeResult::Malformed;

    const qsizetype macOffset = in.pos();
    unsigned char expected[kMacBytes];
    if (!hmacSha256(key, datagram.constData(), macOffset, expected))
        return DecodeResult::Forged;
    if (CRYPTO_memcmp(expected, datagram.constData() + macOffset, kMacBytes) != 0)
        return DecodeResult::Forged;

    if (*clusterText != clusterName)
        return DecodeResult::ForeignCluster;
    packet.clusterName = *clusterText;
    packet.senderName = *senderText;
    if (out)
        *out = std::move(packet);
    return DecodeResult::Ok;
}

quint64 HeartbeatPacket::newIncarnation() {
    const auto sinceEpoch = std::chrono::system_clock::now().time_since_epoch();
    return quint64(std::chrono::duration_cast<std::chrono::nanoseconds>(sinceEpoch).count());
}

QString describe(HeartbeatPacket::DecodeResult result) {
    switch (result) {
    case HeartbeatPacket::DecodeResult::Ok:
        return QStringLiteral("ok");
    case HeartbeatPacket::DecodeResult::Malformed:
        return QStringLiteral("malformed");
    case HeartbeatPacket::DecodeResult::ForeignCluster:
        return QStringLiteral("foreign cluster");
    case HeartbeatPacket::DecodeResult::Forged:
        return QStringLiteral("forged");
    }
    return QStringLiteral("?");
}

} // namespace lifeline::hb
