#pragma once

#include <QFuture>
#include <QList>
#include <QString>

#include <functional>
#include <optional>
#include <sys/types.h>

namespace lifeline::resources {

// What the disk resource and clproset need to know about block devices and
// mounts, straight from the kernel: device nodes, the BLKROGET/BLKROSET
// read-only flag, /proc/self/mountinfo and the /proc/<pid> links of processes.
struct BlockDevice {
    struct Mount {
        QString mountPoint;
        QString source; // as the kernel shows it ("/dev/loop3")
        QString fsType;
        dev_t device = 0; // major:minor of the mounted file system
    };
    struct Holder {
        qint64 pid = 0;
        QString command; // /proc/<pid>/comm
    };

    // A device parameter -> its device node. "UUID=..." and "LABEL=..." are looked
    // up in udev's database (libudev), then /dev/disk/by-uuid|by-label, then with
    // `blkid -U|-L` (udev keeps no database in containers and early boot; blkid
    // reads the superblocks itself, in milliseconds). Paths such as
    // /dev/disk/by-id/... are followed to the node. Empty with `error` when the
    // result is not a block device.
    static QString resolve(const QString& spec, QString* error);
    // st_rdev of a block device node; nullopt with `error` otherwise.
    static std::optional<dev_t> deviceNumber(const QString& node, QString* error);
    // The kernel's read-only flag of the device (what `blockdev --getro` shows).
    static std::optional<bool> readOnly(const QString& node, QString* error);
    static bool setReadOnly(const QString& node, bool readOnly, QString* error);

    // Mounts of this process's mount namespace.
    static QList<Mount> mounts();
    static QList<Mount> mountsOf(dev_t device);
    // The mount whose mount point is `path` (the last one stacked there).
    static std::optional<Mount> mountAt(const QString& path);
    // `path` as mountinfo spells it: symlinks resolved when it exists, cleaned.
    static QString canonicalPath(const QString& path);
    // "/a, /b"
    static QString mountPoints(const QList<Mount>& mounts);

    // Processes of this mount namespace (this one excepted) that use a file of
    // the file system `device`: cwd, root, exe, an open fd or a mapped file.
    // stat() of those links reaches the files themselves: a process whose file
    // is on a dead network file system could make this wait.
    static QList<Holder> holders(dev_t device);
    // "1234 (sleep), 1240 (bash)"
    static QString describe(const QList<Holder>& holders);

    // Runs a blocking system call (mount(2), umount2(2): they can hang on a dead
    // disk) on a detached thread; the future gives its errno (0 = success). A
    // caller that stops waiting (timeout) just drops the future: the thread ends
    // on its own whenever the kernel returns.
    static QFuture<int> runDetached(std::function<int()> call);
};

} // namespace lifeline::resources
