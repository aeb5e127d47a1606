#include "DiskLockRecord.h"

#include "HeartbeatPacket.h"

#include <QtEndian>
#include <cstring>
#include <openssl/crypto.h>

namespace lifeline::np {

namespace {
constexpr int kMacOffset = 56;
}

bool DiskLockRecord::encode(char* block, int blockBytes, const QByteArray& key) const {
    if (blockBytes < kBytes)
        return false;
    std::memset(block, 0, size_t(blockBytes));
    std::memcpy(block, kMagic, 4);
    block[4] = char(kLayoutVersion);
    qToBigEndian(clusterId, block + 8);
    qToBigEndian(owner, block + 16);
    qToBigEndian(incarnation, block + 24);
    qToBigEndian(epoch, block + 32);
    qToBigEndian(counter, block + 40);
    qToBigEndian(monotonicNs, block + 48);
    unsigned char mac[hb::HeartbeatPacket::kMacBytes];
    if (!hb::hmacSha256(key, block, kMacOffset, mac))
        return false;
    std::memcpy(block + kMacOffset, mac, sizeof mac);
    return true;
}

DiskLockRecord::Result DiskLockRecord::decode(const char* block, int blockBytes,
                                              quint64 clusterId, const QByteArray& key,
                                              DiskLockRecord* out) {
    if (blockBytes < kBytes)
        return Result::NotALock;
    bool zero = true;
    for (int i = 0; i < kBytes && zero; ++i)
        zero = block[i] == 0;
    if (zero)
        return Result::Empty;
    if (std::memcmp(block, kMagic, 4) != 0)
        return Result::NotALock;
    if (quint8(block[4]) != kLayoutVersion)
        return Result::WrongVersion;
    DiskLockRecord r;
    // The cluster id before the MAC: another cluster's lock (signed with its own key) is a
    // configuration mistake to report as such, not a forgery.
    r.clusterId = qFromBigEndian<quint64>(block + 8);
    if (r.clusterId != clusterId)
        return Result::ForeignCluster;
    unsigned char mac[hb::HeartbeatPacket::kMacBytes];
    if (!hb::hmacSha256(key, block, kMacOffset, mac) ||
        CRYPTO_memcmp(mac, block + kMacOffset, sizeof mac) != 0)
        return Result::Forged;
    r.owner = qFromBigEndian<qint32>(block + 16);
    r.incarnation = qFromBigEndian<quint64>(block + 24);
    r.epoch = qFromBigEndian<quint64>(block + 32);
    r.counter = qFromBigEndian<quint64>(block + 40);
    r.monotonicNs = qFromBigEndian<quint64>(block + 48);
    *out = r;
    return Result::Ok;
}

QString describe(DiskLockRecord::Result result) {
    using R = DiskLockRecord::Result;
    switch (result) {
    case R::Ok: return QStringLiteral("a lock record");
    case R::Empty: return QStringLiteral("never written");
    case R::NotALock: return QStringLiteral("not a lock record (old contents)");
    case R::Forged: return QStringLiteral("a lock record whose signature does not match this cluster's key");
    case R::WrongVersion: return QStringLiteral("a lock record of another layout version");
    case R::ForeignCluster: return QStringLiteral("the lock record of another cluster");
    }
    return {};
}

} // namespace lifeline::np
