#pragma once

// Test support: a loop device over an image file, as a shared disk for the diskhb and disknp
// tests (each test server gets a loop device of its own over one image, as two hosts see one
// LUN). Needs root and /dev/loop-control; attach() says why not otherwise.

#include <QString>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <linux/fs.h>
#include <linux/loop.h>
#include <memory>
#include <sys/ioctl.h>
#include <unistd.h>

// A loop device over `image`, detached when the last user closes it (LO_FLAGS_AUTOCLEAR):
// this object keeps one descriptor open for its lifetime.
class LoopDevice {
public:
    ~LoopDevice() {
        if (fd_ >= 0)
            ::close(fd_);
    }
    static std::unique_ptr<LoopDevice> attach(const QString& image, QString* why) {
        const int control = ::open("/dev/loop-control", O_RDWR | O_CLOEXEC);
        if (control < 0) {
            *why = QStringLiteral("/dev/loop-control: %1").arg(strerror(errno));
            return nullptr;
        }
        const int backing = ::open(image.toLocal8Bit().constData(), O_RDWR | O_CLOEXEC);
        for (int attempt = 0; backing >= 0 && attempt < 10; ++attempt) {
            const int n = ioctl(control, LOOP_CTL_GET_FREE);
            if (n < 0)
                break;
            auto loop = std::unique_ptr<LoopDevice>(new LoopDevice);
            loop->path_ = QStringLiteral("/dev/loop%1").arg(n);
            loop->fd_ = ::open(loop->path_.toLocal8Bit().constData(), O_RDWR | O_CLOEXEC);
            if (loop->fd_ < 0)
                continue;
            // A loop device keeps the read-only flag a former user left on it.
            loop->setReadOnly(false);
            loop_config config{};
            config.fd = quint32(backing);
            config.info.lo_flags = LO_FLAGS_AUTOCLEAR;
            if (ioctl(loop->fd_, LOOP_CONFIGURE, &config) == 0) {
                ::close(backing);
                ::close(control);
                return loop;
            }
            // Taken by someone else meanwhile: try the next free one.
        }
        *why = QStringLiteral("cannot attach %1 to a loop device: %2").arg(image, strerror(errno));
        if (backing >= 0)
            ::close(backing);
        ::close(control);
        return nullptr;
    }
    QString path() const { return path_; }
    // The block layer refuses writes to a read-only device (EPERM) even on descriptors opened
    // before: a disk that fails every write. (Detaching a loop device that is open is deferred
    // by the kernel until the last close, so it does not make I/O fail.)
    bool setReadOnly(bool readOnly) const {
        int value = readOnly ? 1 : 0;
        return ioctl(fd_, BLKROSET, &value) == 0;
    }

private:
    LoopDevice() = default;
    QString path_;
    int fd_ = -1;
};
