#pragma once

#include <QByteArray>
#include <QString>

namespace lifeline::hb {

// One server's slot on a disk heartbeat partition: a header, the heartbeat datagram the server
// wrote last, and a checksum. The layout (offsets, sizes, byte order) is the "diskhb" table in
// README.md. Pure codec: no I/O.
struct DiskSlot {
    static constexpr char kMagic[4] = {'L', 'L', 'D', 'H'};
    static constexpr quint8 kLayoutVersion = 1;
    static constexpr int kHeaderBytes = 48;
    static constexpr int kChecksumBytes = 8; // SHA-256, first 8 bytes
    // A slot is at least 4 KiB so that it fills whole physical sectors of 512e disks (no
    // read-modify-write in the drive) and the layout is the same whatever the block size.
    static constexpr int kMinSlotBytes = 4096;
    // Bytes 0 .. 64 KiB are never written: a partition table or label that a wrong device
    // name would point at survives, and the NP lock sector will live there.
    static constexpr qint64 kSlotsOffset = 64 * 1024;
    static constexpr int kMaxSlots = 32; // a cluster has at most 32 servers
    static constexpr qint64 kMinDeviceBytes = 10 * 1024 * 1024;

    // Why a slot was not taken.
    enum class Result {
        Ok,
        Empty,          // all zero: never written
        NotASlot,       // no magic: foreign data (a file system, old contents)
        Corrupt,        // the checksum does not match
        WrongVersion,   // another layout version
        ForeignCluster, // written for another cluster name
        WrongIndex,     // the header names another slot (servers ordered differently)
        BadLength,      // the datagram length does not fit the slot
    };

    quint16 serverIndex = 0;
    quint64 clusterId = 0;   // clusterIdOf(cluster name)
    quint64 incarnation = 0; // the writer's driver start (CLOCK_REALTIME ns)
    quint64 counter = 0;     // +1 per write of that incarnation, from 1
    quint64 monotonicNs = 0; // the writer's CLOCK_MONOTONIC at the write (diagnostic only)
    quint8 state = 0xff;     // summary peeked from the datagram (diagnostic only, not trusted)
    QByteArray datagram;

    // The slot size for a device's logical block size: max(4 KiB, block size).
    static int slotBytes(int logicalBlockSize);
    static qint64 offset(int index, int logicalBlockSize);
    // The bytes the layout needs for `count` slots.
    static qint64 spanBytes(int count, int logicalBlockSize);
    static quint64 clusterIdOf(const QString& clusterName);
    // The datagram's state byte, with 0x80 when its leaving flag is set, 0xff when it is not a
    // heartbeat packet. Read without the MAC: a hint for people reading a dump, never trusted.
    static quint8 stateSummary(const QByteArray& datagram);
    static int maxDatagramBytes(int slotBytes) { return slotBytes - kHeaderBytes - kChecksumBytes; }

    // Writes the slot into `slot` (`slotBytes` long, zero padded); false when the datagram does
    // not fit.
    bool encode(char* slot, int slotBytes) const;
    // Checks, in this order: all zero (Empty), magic, checksum, version, cluster, index, length.
    // `out` is filled only on Ok.
    static Result decode(const char* slot, int slotBytes, quint64 clusterId, int index,
                         DiskSlot* out);
};

QString describe(DiskSlot::Result result);

} // namespace lifeline::hb
