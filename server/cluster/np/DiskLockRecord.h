#pragma once

#include <QByteArray>
#include <QString>

namespace lifeline::np {

// The disk lock of disknp: one record in the reserved first 64 KiB of the partition (the disk
// heartbeat's slots start after them, so the lock can share the diskhb partition). Layout, big
// endian, in a block of max(4 KiB, logical block size) at byte kOffset:
//   0 magic "LLNP" | 4 version | 5..7 zero | 8 cluster id | 16 owner slot (int32, -1 = free)
//   20 zero | 24 owner incarnation | 32 epoch | 40 counter | 48 writer's CLOCK_MONOTONIC ns
//   56 HMAC-SHA256 (cluster heartbeat key) of bytes 0..55 | 88.. zero
// Pure codec: no I/O.
struct DiskLockRecord {
    static constexpr char kMagic[4] = {'L', 'L', 'N', 'P'};
    static constexpr quint8 kLayoutVersion = 1;
    static constexpr qint64 kOffset = 32 * 1024; // bytes 0 .. 32 KiB stay untouched (labels)
    static constexpr int kBytes = 88;
    static constexpr int kMinBlockBytes = 4096;

    enum class Result {
        Ok,
        Empty,          // all zero: never written (free)
        NotALock,       // no magic: old contents of the partition (free)
        Forged,         // the MAC does not match: another key, or tampering (treated as free)
        WrongVersion,   // another layout version
        ForeignCluster, // another cluster's lock: the partition is shared by mistake
    };

    quint64 clusterId = 0;
    qint32 owner = -1;       // the holder's server index (priority order), -1: free
    quint64 incarnation = 0; // the holder's lifelined start
    quint64 epoch = 0;       // +1 for every claim and every release
    quint64 counter = 0;     // +1 for every renewal of that claim
    quint64 monotonicNs = 0; // diagnostic only

    bool free() const { return owner < 0; }
    bool sameClaim(const DiskLockRecord& o) const {
        return owner == o.owner && incarnation == o.incarnation && epoch == o.epoch;
    }

    // Writes the record into `block` (`blockBytes` long, zero padded); false without a key.
    bool encode(char* block, int blockBytes, const QByteArray& key) const;
    static Result decode(const char* block, int blockBytes, quint64 clusterId,
                         const QByteArray& key, DiskLockRecord* out);
};

QString describe(DiskLockRecord::Result result);

} // namespace lifeline::np
