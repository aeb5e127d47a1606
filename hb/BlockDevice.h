#pragma once

#include <QString>

namespace lifeline::hb {

// O_DIRECT wants buffers aligned to the logical block size; a page is enough for any disk.
// Shared by the disk heartbeat and the disk lock of disknp (both do O_DIRECT | O_SYNC I/O on a
// raw partition of the shared disk).
class AlignedBuffer {
public:
    AlignedBuffer() = default;
    AlignedBuffer(const AlignedBuffer&) = delete;
    AlignedBuffer& operator=(const AlignedBuffer&) = delete;
    ~AlignedBuffer() { release(); }

    // Zero-filled; false when out of memory.
    bool allocate(int bytes, int alignment);
    void release();
    char* data() const { return data_; }
    int size() const { return size_; }

private:
    char* data_ = nullptr;
    int size_ = 0;
};

struct BlockGeometry {
    int logicalBlockSize = 0;
    quint64 sizeBytes = 0;
};

// The writer's CLOCK_MONOTONIC in ns, stamped into on-disk records for people reading a dump
// (never compared across servers).
quint64 monotonicNs();

// "/dev/disk/by-id/x (/dev/sdb2)" for a symlink, else the path: for messages.
QString describeBlockDevice(const QString& device);

// Checks that `fd` is a block device with a usable logical block size and reads its geometry.
// Returns an empty string, or why not ("/dev/sdb2 is not a block device"); `what` names the
// device in that message.
QString readBlockGeometry(int fd, const QString& what, BlockGeometry* out);

} // namespace lifeline::hb
