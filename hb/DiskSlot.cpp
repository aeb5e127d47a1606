#include "DiskSlot.h"

#include <QCryptographicHash>
#include <QtEndian>
#include <algorithm>
#include <cstring>

namespace lifeline::hb {

namespace {

// Header offsets (README.md, "diskhb").
constexpr int kOffMagic = 0;
constexpr int kOffVersion = 4;
constexpr int kOffState = 5;
constexpr int kOffIndex = 6;
constexpr int kOffCluster = 8;
constexpr int kOffIncarnation = 16;
constexpr int kOffCounter = 24;
constexpr int kOffMonotonic = 32;
constexpr int kOffLength = 40;

QByteArray checksum(const char* slot, int slotBytes) {
    return QCryptographicHash::hash(QByteArrayView(slot, slotBytes - DiskSlot::kChecksumBytes),
                                    QCryptographicHash::Sha256)
        .left(DiskSlot::kChecksumBytes);
}

template <class T> T load(const char* p) {
    return qFromBigEndian<T>(p);
}

template <class T> void store(char* p, T value) {
    qToBigEndian<T>(value, p);
}

} // namespace

int DiskSlot::slotBytes(int logicalBlockSize) {
    return std::max(kMinSlotBytes, logicalBlockSize);
}

qint64 DiskSlot::offset(int index, int logicalBlockSize) {
    return kSlotsOffset + qint64(index) * slotBytes(logicalBlockSize);
}

qint64 DiskSlot::spanBytes(int count, int logicalBlockSize) {
    return offset(count, logicalBlockSize);
}

quint64 DiskSlot::clusterIdOf(const QString& clusterName) {
    const QByteArray hash =
        QCryptographicHash::hash(clusterName.toUtf8(), QCryptographicHash::Sha256);
    return qFromBigEndian<quint64>(hash.constData());
}

quint8 DiskSlot::stateSummary(const QByteArray& datagram) {
    // HeartbeatPacket layout: magic(4) version(1) c(1) cluster(c) s(1) sender(s) ... state at
    // 55+c+s, flags at 56+c+s.
    if (datagram.size() < 7 || !datagram.startsWith("LLHB"))
        return 0xff;
    const int c = quint8(datagram[5]);
    if (datagram.size() < 7 + c)
        return 0xff;
    const int s = quint8(datagram[6 + c]);
    if (datagram.size() < 57 + c + s)
        return 0xff;
    const quint8 state = quint8(datagram[55 + c + s]);
    const quint8 flags = quint8(datagram[56 + c + s]);
    return quint8((state & 0x7f) | ((flags & 0x01) ? 0x80 : 0));
}

bool DiskSlot::encode(char* slot, int slotBytes) const {
    if (datagram.size() > maxDatagramBytes(slotBytes))
        return false;
    std::memset(slot, 0, size_t(slotBytes));
    std::memcpy(slot + kOffMagic, kMagic, sizeof kMagic);
    slot[kOffVersion] = char(kLayoutVersion);
    slot[kOffState] = char(state);
    store<quint16>(slot + kOffIndex, serverIndex);
    store<quint64>(slot + kOffCluster, clusterId);
    store<quint64>(slot + kOffIncarnation, incarnation);
    store<quint64>(slot + kOffCounter, counter);
    store<quint64>(slot + kOffMonotonic, monotonicNs);
    store<quint16>(slot + kOffLength, quint16(datagram.size()));
    std::memcpy(slot + kHeaderBytes, datagram.constData(), size_t(datagram.size()));
    const QByteArray sum = checksum(slot, slotBytes);
    std::memcpy(slot + slotBytes - kChecksumBytes, sum.constData(), kChecksumBytes);
    return true;
}

DiskSlot::Result DiskSlot::decode(const char* slot, int slotBytes, quint64 clusterId, int index,
                                  DiskSlot* out) {
    if (std::all_of(slot, slot + slotBytes, [](char b) { return b == 0; }))
        return Result::Empty;
    if (std::memcmp(slot + kOffMagic, kMagic, sizeof kMagic) != 0)
        return Result::NotASlot;
    if (checksum(slot, slotBytes) !=
        QByteArrayView(slot + slotBytes - kChecksumBytes, kChecksumBytes))
        return Result::Corrupt;
    if (quint8(slot[kOffVersion]) != kLayoutVersion)
        return Result::WrongVersion;
    if (load<quint64>(slot + kOffCluster) != clusterId)
        return Result::ForeignCluster;
    if (load<quint16>(slot + kOffIndex) != index)
        return Result::WrongIndex;
    const int length = load<quint16>(slot + kOffLength);
    if (length == 0 || length > maxDatagramBytes(slotBytes))
        return Result::BadLength;
    if (out) {
        out->serverIndex = quint16(index);
        out->clusterId = clusterId;
        out->incarnation = load<quint64>(slot + kOffIncarnation);
        out->counter = load<quint64>(slot + kOffCounter);
        out->monotonicNs = load<quint64>(slot + kOffMonotonic);
        out->state = quint8(slot[kOffState]);
        out->datagram = QByteArray(slot + kHeaderBytes, length);
    }
    return Result::Ok;
}

QString describe(DiskSlot::Result result) {
    switch (result) {
    case DiskSlot::Result::Ok:
        return QStringLiteral("ok");
    case DiskSlot::Result::Empty:
        return QStringLiteral("never written");
    case DiskSlot::Result::NotASlot:
        return QStringLiteral("not a heartbeat slot (no magic)");
    case DiskSlot::Result::Corrupt:
        return QStringLiteral("bad checksum");
    case DiskSlot::Result::WrongVersion:
        return QStringLiteral("another layout version");
    case DiskSlot::Result::ForeignCluster:
        return QStringLiteral("written by another cluster");
    case DiskSlot::Result::WrongIndex:
        return QStringLiteral("written for another slot (server order differs)");
    case DiskSlot::Result::BadLength:
        return QStringLiteral("datagram length out of range");
    }
    return QStringLiteral("?");
}

} // namespace lifeline::hb
