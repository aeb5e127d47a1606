#include "DiskMonitor.h"

#include "BlockDevice.h"

#include <QFileInfo>
#include <QFuture>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <libudev.h>
#include <linux/fs.h>
#include <scsi/sg.h>
#include <sys/ioctl.h>
#include <unistd.h>

namespace lifeline::monitors {

using resources::BlockDevice;

namespace {

constexpr int kNotScsi = -1;   // TUR: SG_IO is not supported by the device
constexpr int kTurTimeoutMs = 10000;

QString errnoText(int error) { return QString::fromLocal8Bit(std::strerror(error)); }

// Blocking, on the worker thread: reads `size` bytes at offset 0 with O_DIRECT
// (past the page cache, so the device itself must answer). 0 or an errno;
// *detail says what failed.
int directRead(const QByteArray& node, int size, QString* detail) {
    const int fd = ::open(node.constData(), O_RDONLY | O_DIRECT | O_CLOEXEC);
    if (fd < 0) {
        const int e = errno;
        *detail = QStringLiteral("cannot open %1: %2").arg(QString::fromLocal8Bit(node), errnoText(e));
        return e;
    }
    // O_DIRECT wants the length and buffer aligned to the logical block size.
    int block = 512;
    ::ioctl(fd, BLKSSZGET, &block);
    block = qMax(block, 512);
    const size_t length = size_t((size + block - 1) / block) * size_t(block);
    void* buffer = nullptr;
    int result = 0;
    if (::posix_memalign(&buffer, 4096, length) != 0) {
        result = ENOMEM;
        *detail = QStringLiteral("cannot allocate %1 bytes").arg(length);
    } else {
        const ssize_t n = ::pread(fd, buffer, length, 0);
        if (n < 0) {
            result = errno;
            *detail = QStringLiteral("read of %1 failed: %2").arg(QString::fromLocal8Bit(node), errnoText(result));
        } else if (size_t(n) < length) {
            result = EIO;
            *detail = QStringLiteral("short read of %1: %2 of %3 bytes").arg(QString::fromLocal8Bit(node)).arg(n).arg(length);
        } else {
            *detail = QStringLiteral("read %1 bytes of %2").arg(length).arg(QString::fromLocal8Bit(node));
        }
    }
    std::free(buffer);
    ::close(fd);
    return result;
}

// Blocking, on the worker thread: SCSI TEST UNIT READY. 0, an errno, or kNotScsi.
int testUnitReady(const QByteArray& node, QString* detail) {
    const int fd = ::open(node.constData(), O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0) {
        const int e = errno;
        *detail = QStringLiteral("cannot open %1: %2").arg(QString::fromLocal8Bit(node), errnoText(e));
        return e;
    }
    unsigned char command[6] = {0}; // TEST UNIT READY: opcode 0x00
    unsigned char sense[32] = {0};
    sg_io_hdr_t io{};
    io.interface_id = 'S';
    io.cmd_len = sizeof command;
    io.cmdp = command;
    io.dxfer_direction = SG_DXFER_NONE;
    io.sbp = sense;
    io.mx_sb_len = sizeof sense;
    io.timeout = kTurTimeoutMs;
    int result = 0;
    if (::ioctl(fd, SG_IO, &io) < 0) {
        result = errno == ENOTTY || errno == EINVAL ? kNotScsi : errno;
        *detail = result == kNotScsi
                      ? QStringLiteral("%1 is not a SCSI device").arg(QString::fromLocal8Bit(node))
                      : QStringLiteral("SG_IO on %1 failed: %2").arg(QString::fromLocal8Bit(node), errnoText(result));
    } else if ((io.info & SG_INFO_OK_MASK) != SG_INFO_OK) {
        result = EIO;
        const int senseKey = io.sb_len_wr > 2 ? sense[2] & 0x0f : -1;
        *detail = QStringLiteral("TEST UNIT READY on %1 failed: status 0x%2, host 0x%3, driver 0x%4, sense key %5")
                      .arg(QString::fromLocal8Bit(node))
                      .arg(io.status, 0, 16).arg(io.host_status, 0, 16).arg(io.driver_status, 0, 16)
                      .arg(senseKey);
    } else {
        *detail = QStringLiteral("%1 is ready (TEST UNIT READY)").arg(QString::fromLocal8Bit(node));
    }
    ::close(fd);
    return result;
}

} // namespace

// The device number for removal events is learnt by the first check (resolving a
// UUID= or LABEL= name may probe devices: never on the event loop).
DiskMonitor::DiskMonitor(MonitorContext context, QObject* parent) : MonitorDriver(std::move(context), parent) {
    watchRemoval();
}

DiskMonitor::~DiskMonitor() {
    notifier_.reset();
    if (uevents_)
        udev_monitor_unref(uevents_);
    if (udev_)
        udev_unref(udev_);
}

void DiskMonitor::watchRemoval() {
    udev_ = udev_new();
    if (!udev_)
        return;
    // With udevd, its processed events; without (containers), the kernel's own.
    const char* source = QFileInfo::exists(QStringLiteral("/run/udev/control")) ? "udev" : "kernel";
    uevents_ = udev_monitor_new_from_netlink(udev_, source);
    if (!uevents_ || udev_monitor_filter_add_match_subsystem_devtype(uevents_, "block", nullptr) < 0 ||
        udev_monitor_enable_receiving(uevents_) < 0)
        return; // no removal events: checks still find a missing device, at their interval
    notifier_ = std::make_unique<QSocketNotifier>(udev_monitor_get_fd(uevents_), QSocketNotifier::Read);
    connect(notifier_.get(), &QSocketNotifier::activated, this, &DiskMonitor::onUevent);
}

void DiskMonitor::onUevent() {
    while (udev_device* event = udev_monitor_receive_device(uevents_)) {
        const char* action = udev_device_get_action(event);
        if (device_ != 0 && action && std::strcmp(action, "remove") == 0 &&
            udev_device_get_devnum(event) == device_) {
            removed_ = true;
            emit checkNow();
        }
        udev_device_unref(event);
    }
}

void DiskMonitor::check(Done done) {
    pending_.begin(std::move(done));
    const QString object = context().monitor.param(QStringLiteral("object")).trimmed();
    if (removed_) {
        removed_ = false; // reported once; later checks look at the device afresh
        pending_.finish(CheckResult::Error, QStringLiteral("device %1 removed").arg(object));
        return;
    }
    if (ioInFlight_) {
        pending_.finish(CheckResult::Error, QStringLiteral("the previous I/O to %1 has not returned").arg(object));
        return;
    }
    const QString method = context().monitor.param(QStringLiteral("method")).trimmed().toUpper();
    const bool tur = method == QLatin1String("TUR");
    if (!tur && !method.startsWith(QLatin1String("READ"))) {
        pending_.finish(CheckResult::Warning, QStringLiteral("method %1 is not supported").arg(method));
        return;
    }
    const int size = qMax(512, context().monitor.param(QStringLiteral("size")).toInt());
    // Written by the worker before its result is published; read after it.
    struct Outcome {
        QString detail;
        dev_t device = 0;
    };
    auto out = std::make_shared<Outcome>();
    ioInFlight_ = true;
    // The name is resolved on the worker too: UUID=/LABEL= may need to probe devices.
    BlockDevice::runDetached([tur, object, size, out] {
        QString error;
        const QString node = BlockDevice::resolve(object, &error);
        const auto number = node.isEmpty() ? std::nullopt : BlockDevice::deviceNumber(node, &error);
        if (!number) {
            out->detail = error;
            return ENODEV;
        }
        out->device = *number;
        const QByteArray path = node.toLocal8Bit();
        return tur ? testUnitReady(path, &out->detail) : directRead(path, size, &out->detail);
    }).then(this, [this, generation = pending_.generation(), out](int result) {
        ioInFlight_ = false;
        if (out->device)
            device_ = out->device;
        if (generation != pending_.generation())
            return;
        pending_.finish(result == 0 ? CheckResult::Normal
                                    : result == kNotScsi ? CheckResult::Warning : CheckResult::Error,
                        out->detail);
    });
}

} // namespace lifeline::monitors
