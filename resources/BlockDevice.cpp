#include "BlockDevice.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QProcess>
#include <QPromise>

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <libudev.h>
#include <linux/fs.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <thread>
#include <unistd.h>

namespace lifeline::resources {

namespace {

constexpr int kBlkidTimeoutMs = 3000;

struct Tag {
    const char* prefix;
    const char* udevProperty;
    const char* byDirectory;
    const char* blkidOption;
};
constexpr Tag kTags[] = {
    {"UUID=", "ID_FS_UUID", "/dev/disk/by-uuid/", "-U"},
    {"LABEL=", "ID_FS_LABEL", "/dev/disk/by-label/", "-L"},
};

QString fromUdev(const char* property, const QString& value) {
    udev* u = udev_new();
    if (!u)
        return {};
    udev_enumerate* e = udev_enumerate_new(u);
    QString node;
    if (e) {
        udev_enumerate_add_match_subsystem(e, "block");
        udev_enumerate_add_match_property(e, property, value.toUtf8().constData());
        udev_enumerate_scan_devices(e);
        udev_list_entry* entry = nullptr;
        udev_list_entry_foreach(entry, udev_enumerate_get_list_entry(e)) {
            if (udev_device* d = udev_device_new_from_syspath(u, udev_list_entry_get_name(entry))) {
                if (const char* n = udev_device_get_devnode(d))
                    node = QString::fromLocal8Bit(n);
                udev_device_unref(d);
            }
            if (!node.isEmpty())
                break;
        }
        udev_enumerate_unref(e);
    }
    udev_unref(u);
    return node;
}

QString fromBlkid(const char* option, const QString& value) {
    QProcess blkid;
    blkid.start(QStringLiteral("blkid"), {QString::fromLatin1(option), value});
    if (!blkid.waitForFinished(kBlkidTimeoutMs)) {
        blkid.kill();
        blkid.waitForFinished(100);
        return {};
    }
    if (blkid.exitStatus() != QProcess::NormalExit || blkid.exitCode() != 0)
        return {};
    return QString::fromLocal8Bit(blkid.readAllStandardOutput()).trimmed();
}

// mountinfo escapes space, tab, newline and backslash as \ooo.
QString unescape(const QByteArray& field) {
    QByteArray out;
    out.reserve(field.size());
    for (int i = 0; i < field.size(); ++i) {
        if (field[i] == '\\' && i + 3 < field.size()) {
            bool ok = false;
            const int c = field.mid(i + 1, 3).toInt(&ok, 8);
            if (ok) {
                out.append(char(c));
                i += 3;
                continue;
            }
        }
        out.append(field[i]);
    }
    return QString::fromLocal8Bit(out);
}

QByteArray readLink(const QString& path) {
    char buffer[256];
    const ssize_t n = ::readlink(QFile::encodeName(path).constData(), buffer, sizeof buffer);
    return n > 0 ? QByteArray(buffer, int(n)) : QByteArray();
}

bool onDevice(const QString& path, dev_t device) {
    struct stat st {};
    return ::stat(QFile::encodeName(path).constData(), &st) == 0 && st.st_dev == device;
}

// A line of /proc/<pid>/maps: "addr perms offset MAJ:MIN inode path" (hex device).
bool mapsDevice(const QString& mapsPath, dev_t device) {
    QFile maps(mapsPath);
    if (!maps.open(QIODevice::ReadOnly))
        return false;
    const QList<QByteArray> lines = maps.readAll().split('\n');
    for (const QByteArray& line : lines) {
        const QList<QByteArray> f = line.simplified().split(' ');
        if (f.size() < 6 || f[4] == "0")
            continue; // anonymous memory
        const QList<QByteArray> mm = f[3].split(':');
        if (mm.size() == 2 &&
            makedev(mm[0].toUInt(nullptr, 16), mm[1].toUInt(nullptr, 16)) == device)
            return true;
    }
    return false;
}

bool usesDevice(const QString& base, dev_t device) {
    for (const char* link : {"cwd", "root", "exe"})
        if (onDevice(base + QLatin1String(link), device))
            return true;
    const QDir fds(base + QStringLiteral("fd"));
    for (const QString& fd : fds.entryList(QDir::Files | QDir::System | QDir::NoDotAndDotDot))
        if (onDevice(fds.filePath(fd), device))
            return true;
    return mapsDevice(base + QStringLiteral("maps"), device);
}

int openDevice(const QString& node, QString* error) {
    const int fd = ::open(QFile::encodeName(node).constData(), O_RDONLY | O_CLOEXEC | O_NONBLOCK);
    if (fd < 0 && error)
        *error = QStringLiteral("cannot open %1: %2")
                     .arg(node, QString::fromLocal8Bit(std::strerror(errno)));
    return fd;
}

} // namespace

QString BlockDevice::resolve(const QString& spec, QString* error) {
    const QString text = spec.trimmed();
    QString path = text;
    for (const Tag& tag : kTags) {
        if (!text.startsWith(QLatin1String(tag.prefix)))
            continue;
        QString value = text.mid(int(std::strlen(tag.prefix)));
        if (value.size() >= 2 && value.startsWith(QLatin1Char('"')) &&
            value.endsWith(QLatin1Char('"')))
            value = value.mid(1, value.size() - 2);
        path = fromUdev(tag.udevProperty, value);
        if (path.isEmpty() && QFileInfo::exists(QLatin1String(tag.byDirectory) + value))
            path = QLatin1String(tag.byDirectory) + value;
        if (path.isEmpty())
            path = fromBlkid(tag.blkidOption, value);
        if (path.isEmpty()) {
            if (error)
                *error = QStringLiteral("no block device has %1").arg(text);
            return {};
        }
        break;
    }
    if (path.isEmpty()) {
        if (error)
            *error = QStringLiteral("no device is configured");
        return {};
    }
    const QString node = QFileInfo(path).canonicalFilePath(); // follows /dev/disk/by-id links
    if (node.isEmpty()) {
        if (error)
            *error = QStringLiteral("device %1 not found").arg(path);
        return {};
    }
    if (!deviceNumber(node, error))
        return {};
    return node;
}

std::optional<dev_t> BlockDevice::deviceNumber(const QString& node, QString* error) {
    struct stat st {};
    if (::stat(QFile::encodeName(node).constData(), &st) != 0) {
        if (error)
            *error = QStringLiteral("device %1: %2")
                         .arg(node, QString::fromLocal8Bit(std::strerror(errno)));
        return std::nullopt;
    }
    if (!S_ISBLK(st.st_mode)) {
        if (error)
            *error = QStringLiteral("%1 is not a block device").arg(node);
        return std::nullopt;
    }
    return st.st_rdev;
}

std::optional<bool> BlockDevice::readOnly(const QString& node, QString* error) {
    const int fd = openDevice(node, error);
    if (fd < 0)
        return std::nullopt;
    int ro = 0;
    const int rc = ::ioctl(fd, BLKROGET, &ro);
    const int saved = errno;
    ::close(fd);
    if (rc != 0) {
        if (error)
            *error = QStringLiteral("BLKROGET on %1: %2")
                         .arg(node, QString::fromLocal8Bit(std::strerror(saved)));
        return std::nullopt;
    }
    return ro != 0;
}

bool BlockDevice::setReadOnly(const QString& node, bool readOnly, QString* error) {
    const int fd = openDevice(node, error);
    if (fd < 0)
        return false;
    int ro = readOnly ? 1 : 0;
    const int rc = ::ioctl(fd, BLKROSET, &ro);
    const int saved = errno;
    ::close(fd);
    if (rc != 0 && error)
        *error = QStringLiteral("BLKROSET on %1: %2")
                     .arg(node, QString::fromLocal8Bit(std::strerror(saved)));
    return rc == 0;
}

QList<BlockDevice::Mount> BlockDevice::mounts() {
    QList<Mount> result;
    QFile file(QStringLiteral("/proc/self/mountinfo"));
    if (!file.open(QIODevice::ReadOnly))
        return result;
    // "36 35 98:0 /root /mnt/point rw,noatime master:1 - ext3 /dev/root rw,errors=continue"
    for (const QByteArray& line : file.readAll().split('\n')) {
        const QList<QByteArray> f = line.split(' ');
        const int separator = int(f.indexOf("-"));
        if (f.size() < 5 || separator < 6 || separator + 2 >= f.size())
            continue;
        const QList<QByteArray> mm = f[2].split(':');
        if (mm.size() != 2)
            continue;
        result.append(Mount{unescape(f[4]), unescape(f[separator + 2]), unescape(f[separator + 1]),
                            makedev(mm[0].toUInt(), mm[1].toUInt())});
    }
    return result;
}

QList<BlockDevice::Mount> BlockDevice::mountsOf(dev_t device) {
    QList<Mount> result;
    for (const Mount& m : mounts())
        if (m.device == device)
            result.append(m);
    return result;
}

std::optional<BlockDevice::Mount> BlockDevice::mountAt(const QString& path) {
    const QString wanted = canonicalPath(path);
    std::optional<Mount> found;
    for (const Mount& m : mounts())
        if (m.mountPoint == wanted)
            found = m; // mountinfo lists in mount order: the last one is on top
    return found;
}

QString BlockDevice::canonicalPath(const QString& path) {
    const QString canonical = QFileInfo(path).canonicalFilePath();
    return canonical.isEmpty() ? QDir::cleanPath(path) : canonical;
}

QString BlockDevice::mountPoints(const QList<Mount>& mounts) {
    QStringList points;
    for (const Mount& m : mounts)
        points << m.mountPoint;
    return points.join(QStringLiteral(", "));
}

QList<BlockDevice::Holder> BlockDevice::holders(dev_t device) {
    QList<Holder> result;
    // Only our namespace's processes can keep our mount busy; others see a copy.
    const QByteArray ownNamespace = readLink(QStringLiteral("/proc/self/ns/mnt"));
    const qint64 self = ::getpid();
    const QDir proc(QStringLiteral("/proc"));
    for (const QString& entry : proc.entryList(QDir::Dirs | QDir::NoDotAndDotDot)) {
        bool isPid = false;
        const qint64 pid = entry.toLongLong(&isPid);
        if (!isPid || pid == self)
            continue;
        const QString base = QStringLiteral("/proc/%1/").arg(pid);
        if (readLink(base + QStringLiteral("ns/mnt")) != ownNamespace || !usesDevice(base, device))
            continue;
        QFile comm(base + QStringLiteral("comm"));
        const QString name = comm.open(QIODevice::ReadOnly)
                                 ? QString::fromLocal8Bit(comm.readAll()).trimmed()
                                 : QString();
        result.append(Holder{pid, name});
    }
    return result;
}

QString BlockDevice::describe(const QList<Holder>& holders) {
    QStringList parts;
    for (const Holder& h : holders)
        parts << QStringLiteral("%1 (%2)").arg(h.pid).arg(h.command);
    return parts.join(QStringLiteral(", "));
}

QFuture<int> BlockDevice::runDetached(std::function<int()> call) {
    QPromise<int> promise;
    QFuture<int> future = promise.future();
    promise.start();
    std::thread([promise = std::move(promise), call = std::move(call)]() mutable {
        promise.addResult(call());
        promise.finish();
    }).detach();
    return future;
}

} // namespace lifeline::resources
