#include "BlockDevice.h"

#include <QFileInfo>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <linux/fs.h>
#include <sys/ioctl.h>
#include <sys/stat.h>

namespace lifeline::hb {

bool AlignedBuffer::allocate(int bytes, int alignment) {
    release();
    void* p = nullptr;
    if (posix_memalign(&p, size_t(std::max(alignment, 4096)), size_t(bytes)) != 0)
        return false;
    data_ = static_cast<char*>(p);
    size_ = bytes;
    std::memset(data_, 0, size_t(bytes));
    return true;
}

void AlignedBuffer::release() {
    std::free(data_);
    data_ = nullptr;
    size_ = 0;
}

quint64 monotonicNs() {
    timespec ts{};
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return quint64(ts.tv_sec) * 1000000000ull + quint64(ts.tv_nsec);
}

QString describeBlockDevice(const QString& device) {
    const QFileInfo info(device);
    if (!info.isSymLink())
        return device;
    const QString target = info.canonicalFilePath();
    return target.isEmpty() ? device : QStringLiteral("%1 (%2)").arg(device, target);
}

QString readBlockGeometry(int fd, const QString& what, BlockGeometry* out) {
    struct stat st {};
    if (fstat(fd, &st) != 0 || !S_ISBLK(st.st_mode))
        return QStringLiteral("%1 is not a block device").arg(what);
    int logical = 0;
    quint64 size = 0;
    if (ioctl(fd, BLKSSZGET, &logical) != 0 || ioctl(fd, BLKGETSIZE64, &size) != 0)
        return QStringLiteral("cannot read the geometry of %1: %2").arg(what, qt_error_string(errno));
    if (logical < 512 || logical > 65536 || (logical & (logical - 1)) != 0)
        return QStringLiteral("%1 has an unusable logical block size of %2 bytes").arg(what).arg(logical);
    out->logicalBlockSize = logical;
    out->sizeBytes = size;
    return {};
}

} // namespace lifeline::hb
