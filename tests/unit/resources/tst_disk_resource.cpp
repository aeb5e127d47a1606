#include "BlockDevice.h"
#include "DiskResource.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>

#include <sched.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

using namespace lifeline;
using namespace lifeline::resources;

// Against a real file-backed loop device with ext4, as root, in a private mount
// namespace (so that a failing test leaves no mount on the host).
#define REQUIRE_LOOP()                                                                             \
    if (loop_.isEmpty())                                                                           \
    QSKIP(qPrintable(skip_))

namespace {

struct Run {
    int code = -1;
    QString out;
    QString err;
};

Run run(const QString& program, const QStringList& args, const QString& workingDirectory = {}) {
    QProcess p;
    if (!workingDirectory.isEmpty())
        p.setWorkingDirectory(workingDirectory);
    p.start(program, args);
    Run r;
    if (!p.waitForFinished(60000)) {
        p.kill();
        p.waitForFinished();
        r.err = QStringLiteral("timed out");
        return r;
    }
    r.code = p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1;
    r.out = QString::fromLocal8Bit(p.readAllStandardOutput());
    r.err = QString::fromLocal8Bit(p.readAllStandardError());
    return r;
}

struct Result {
    int calls = 0;
    bool ok = false;
    QString reason;
};

} // namespace

class TestDiskResource : public QObject {
    Q_OBJECT

private:
    QTemporaryDir tmp_;
    QString loop_; // "/dev/loopN", empty when the tests cannot run
    QString skip_;
    QString uuid_;
    QString majorMinor_; // "7:3"
    QProcess holder_;    // a process keeping the mount busy

    QString mountPoint() const { return tmp_.path() + QStringLiteral("/mnt/disk1"); }
    QString otherMountPoint() const { return tmp_.path() + QStringLiteral("/other"); }

    std::unique_ptr<DiskResource> make(QMap<QString, QString> params = {}) {
        ResourceContext c;
        c.paths = config::Paths(tmp_.path());
        c.localServer = QStringLiteral("server1");
        c.group = QStringLiteral("failover1");
        c.resource.type = QStringLiteral("disk");
        c.resource.name = QStringLiteral("disk1");
        const QMap<QString, QString> defaults{
            {"device", loop_},       {"fs", "ext4"},           {"mount/point", mountPoint()},
            {"mount/timeout", "10"}, {"umount/timeout", "10"}, {"umount/retry", "1"},
            {"fsck/timing", "never"}};
        for (auto it = defaults.begin(); it != defaults.end(); ++it)
            if (!params.contains(it.key()))
                params.insert(it.key(), it.value());
        c.resource.parameters = params;
        return std::make_unique<DiskResource>(std::move(c));
    }

    static bool wait(Result& r, int ms = 20000) {
        return QTest::qWaitFor([&] { return r.calls > 0; }, ms);
    }
    static Result activate(DiskResource& d) {
        Result r;
        d.activate(ResourceEvent::Start,
                   [&r](bool ok, const QString& why) { ++r.calls, r.ok = ok, r.reason = why; });
        wait(r);
        QTest::qWait(20); // a second report would show up here
        return r;
    }
    static Result deactivate(DiskResource& d) {
        Result r;
        d.deactivate(ResourceEvent::Stop,
                     [&r](bool ok, const QString& why) { ++r.calls, r.ok = ok, r.reason = why; });
        wait(r);
        QTest::qWait(20);
        return r;
    }

    // Mount points of the loop device, straight from the kernel's table.
    QStringList mountedOn() const {
        QFile f(QStringLiteral("/proc/self/mountinfo"));
        if (!f.open(QIODevice::ReadOnly))
            return {};
        QStringList points;
        for (const QByteArray& line : f.readAll().split('\n')) {
            const QList<QByteArray> fields = line.split(' ');
            if (fields.size() > 4 && fields[2] == majorMinor_.toLatin1())
                points << QString::fromLocal8Bit(fields[4]);
        }
        return points;
    }

    QString roFlag() const {
        return run(QStringLiteral("blockdev"), {"--getro", loop_}).out.trimmed();
    }

    void unmountAll() {
        for (int i = 0; i < 8 && !mountedOn().isEmpty(); ++i)
            for (const QString& point : mountedOn())
                ::umount2(QFile::encodeName(point).constData(), MNT_DETACH);
    }

    QString fsState() const {
        const Run r = run(QStringLiteral("dumpe2fs"), {"-h", loop_});
        for (const QString& line : r.out.split(QLatin1Char('\n')))
            if (line.startsWith(QLatin1String("Filesystem state:")))
                return line.section(QLatin1Char(':'), 1).trimmed();
        return {};
    }

    void startHolder() {
        holder_.setWorkingDirectory(mountPoint());
        holder_.start(QStringLiteral("sleep"), {QStringLiteral("60")});
        QVERIFY(holder_.waitForStarted());
    }

    QString writeConfig(const QString& device) {
        const QString root = tmp_.path() + QStringLiteral("/root");
        QDir().mkpath(root + QStringLiteral("/etc/lifeline"));
        QFile f(root + QStringLiteral("/etc/lifeline/clp.conf"));
        if (!f.open(QIODevice::WriteOnly | QIODevice::Truncate))
            return {};
        f.write(QStringLiteral(R"(<?xml version="1.0" encoding="UTF-8"?>
<root>
  <all><charset>UTF-8</charset><serveros>linux</serveros></all>
  <cluster><name>cluster</name></cluster>
  <server name="server1"><priority>0</priority></server>
  <group name="failover1">
    <type>failover</type>
    <resource name="disk@disk1"/>
    <resource name="disk@disk2"/>
  </group>
  <resource>
    <types name="disk"/>
    <disk name="disk1">
      <parameters><disktype>disk</disktype><device>%1</device><fs>ext4</fs>
        <mount><point>/mnt/disk1</point></mount></parameters>
    </disk>
    <disk name="disk2">
      <parameters><disktype>lvm</disktype><device>/dev/vg1/lv1</device><fs>ext4</fs>
        <mount><point>/mnt/disk2</point></mount></parameters>
    </disk>
  </resource>
</root>
)")
                    .arg(device)
                    .toUtf8());
        return root;
    }

private slots:
    void initTestCase() {
        QVERIFY(tmp_.isValid());
        if (::geteuid() != 0) {
            skip_ = QStringLiteral("needs root (loop devices, mount)");
            return;
        }
        if (::unshare(CLONE_NEWNS) != 0 ||
            ::mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr) != 0) {
            skip_ = QStringLiteral("cannot make a private mount namespace: %1")
                        .arg(qt_error_string(errno));
            return;
        }
        const QString image = tmp_.path() + QStringLiteral("/disk.img");
        QFile file(image);
        QVERIFY(file.open(QIODevice::WriteOnly));
        QVERIFY(file.resize(32 * 1024 * 1024));
        file.close();
        const Run losetup = run(QStringLiteral("losetup"), {"--find", "--show", image});
        if (losetup.code != 0) {
            skip_ = QStringLiteral("no loop device: %1").arg(losetup.err.trimmed());
            return;
        }
        loop_ = losetup.out.trimmed();
        QCOMPARE(run(QStringLiteral("mkfs.ext4"), {"-q", "-F", loop_}).code, 0);
        uuid_ = run(QStringLiteral("blkid"), {"-s", "UUID", "-o", "value", loop_}).out.trimmed();
        QVERIFY(!uuid_.isEmpty());
        struct stat st {};
        QCOMPARE(::stat(QFile::encodeName(loop_).constData(), &st), 0);
        majorMinor_ = QStringLiteral("%1:%2").arg(major(st.st_rdev)).arg(minor(st.st_rdev));
        QDir().mkpath(otherMountPoint());
    }

    void cleanup() {
        if (holder_.state() != QProcess::NotRunning) {
            holder_.kill();
            holder_.waitForFinished();
        }
        if (!loop_.isEmpty())
            unmountAll();
    }

    void cleanupTestCase() {
        if (loop_.isEmpty())
            return;
        unmountAll();
        // The flag outlives the attachment: leave the loop device writable for its next user.
        run(QStringLiteral("blockdev"), {"--setrw", loop_});
        run(QStringLiteral("losetup"), {"-d", loop_});
    }

    void parsesMountOptions() {
        auto o =
            DiskResource::parseMountOptions(QStringLiteral("rw,noatime,nodev,data=ordered,nosuid"));
        QCOMPARE(o.flags, (unsigned long)(MS_NOATIME | MS_NODEV | MS_NOSUID));
        QCOMPARE(o.data, QStringLiteral("data=ordered"));
        o = DiskResource::parseMountOptions(
            QStringLiteral("defaults,ro,sync,errors=remount-ro,noexec,exec"));
        QCOMPARE(o.flags, (unsigned long)(MS_RDONLY | MS_SYNCHRONOUS));
        QCOMPARE(o.data, QStringLiteral("errors=remount-ro"));
    }

    void isRegistered() { QVERIFY(isResourceTypeImplemented(QStringLiteral("disk"))); }

    void fsckCommandFollowsTiming() {
        QCOMPARE(make({{"fsck/timing", "never"}})->fsckCommand("/dev/x"), QStringList());
        QStringList needed = make({{"fsck/timing", "needed"}})->fsckCommand("/dev/x");
        QVERIFY(needed.first().endsWith(QLatin1String("e2fsck")));
        QCOMPARE(needed.mid(1), (QStringList{"-p", "/dev/x"}));
        QCOMPARE(make({{"fsck/timing", "always"}})->fsckCommand("/dev/x").mid(1),
                 (QStringList{"-p", "-f", "/dev/x"}));
        QCOMPARE(make({{"fs", "xfs"}, {"fsck/timing", "needed"}})->fsckCommand("/dev/x"),
                 QStringList());
        QCOMPARE(make({{"fs", "xfs"}, {"fsck/timing", "always"}})->fsckCommand("/dev/x").mid(1),
                 (QStringList{"-n", "/dev/x"}));
    }

    void activateMountsAndDeactivateProtects() {
        REQUIRE_LOOP();
        QVERIFY(BlockDevice::setReadOnly(loop_, true, nullptr)); // as an inactive disk is
        auto disk = make();
        QString why;
        QCOMPARE(disk->observe(&why), ResourceState::Offline);

        const Result a = activate(*disk);
        QCOMPARE(a.calls, 1);
        QVERIFY2(a.ok, qPrintable(a.reason));
        QCOMPARE(mountedOn(), QStringList{mountPoint()});
        QCOMPARE(roFlag(), QStringLiteral("0"));
        QFile written(mountPoint() + QStringLiteral("/data"));
        QVERIFY(written.open(QIODevice::WriteOnly));
        QCOMPARE(written.write("x"), 1);
        written.close();
        QCOMPARE(disk->observe(&why), ResourceState::Online);
        QVERIFY2(why.contains(mountPoint()), qPrintable(why));

        const Result d = deactivate(*disk);
        QCOMPARE(d.calls, 1);
        QVERIFY2(d.ok, qPrintable(d.reason));
        QCOMPARE(mountedOn(), QStringList());
        QCOMPARE(roFlag(), QStringLiteral("1"));
        QCOMPARE(disk->observe(&why), ResourceState::Offline);

        // Deactivating what is not mounted is fine (and keeps it read-only).
        const Result again = deactivate(*disk);
        QVERIFY2(again.ok, qPrintable(again.reason));
        QCOMPARE(roFlag(), QStringLiteral("1"));
    }

    void mountOptionsReachTheKernel() {
        REQUIRE_LOOP();
        auto disk = make({{"mount/option", "ro,noatime"}});
        const Result a = activate(*disk);
        QVERIFY2(a.ok, qPrintable(a.reason));
        const auto m = BlockDevice::mountAt(mountPoint());
        QVERIFY(m);
        QFile info(QStringLiteral("/proc/self/mountinfo"));
        QVERIFY(info.open(QIODevice::ReadOnly));
        const QString table = QString::fromLocal8Bit(info.readAll());
        QVERIFY2(table.contains(QStringLiteral(" %1 ro,noatime ").arg(mountPoint())),
                 qPrintable(table));
        QVERIFY(deactivate(*disk).ok);
    }

    // ExpressCluster pseudo-failure #10: start the group after mounting the disk
    // by hand -> the disk resource is not activated.
    void refusesWhenAlreadyMounted() {
        REQUIRE_LOOP();
        QVERIFY(BlockDevice::setReadOnly(loop_, false, nullptr));
        QCOMPARE(run(QStringLiteral("mount"), {loop_, otherMountPoint()}).code, 0);
        auto disk = make();
        Result a = activate(*disk);
        QCOMPARE(a.calls, 1);
        QVERIFY(!a.ok);
        QVERIFY2(a.reason.contains(loop_) && a.reason.contains(otherMountPoint()),
                 qPrintable(a.reason));
        QCOMPARE(mountedOn(), QStringList{otherMountPoint()});
        QCOMPARE(roFlag(), QStringLiteral("0")); // a mounted device is never made read-only
        QString why;
        QCOMPARE(disk->observe(&why), ResourceState::Error);
        QVERIFY2(why.contains(otherMountPoint()), qPrintable(why));
        unmountAll();

        // The same on its own mount point (the manual's `mount /dev/sda2 /mnt/sda2`).
        QDir().mkpath(mountPoint());
        QCOMPARE(run(QStringLiteral("mount"), {loop_, mountPoint()}).code, 0);
        a = activate(*disk);
        QVERIFY(!a.ok);
        QVERIFY2(a.reason.contains(loop_) && a.reason.contains(mountPoint()), qPrintable(a.reason));
    }

    void unmountKillsHolders() {
        REQUIRE_LOOP();
        auto disk = make({{"umount/action", "kill"}, {"umount/retry", "2"}});
        const Result a = activate(*disk);
        QVERIFY2(a.ok, qPrintable(a.reason));
        startHolder();
        const auto device = BlockDevice::deviceNumber(loop_, nullptr);
        QVERIFY(device);
        const auto holders = BlockDevice::holders(*device);
        QCOMPARE(holders.size(), 1);
        const qint64 pid = holder_.processId();
        QCOMPARE(holders.first().pid, pid);

        const Result d = deactivate(*disk);
        QCOMPARE(d.calls, 1);
        QVERIFY2(d.ok, qPrintable(d.reason));
        QVERIFY2(d.reason.contains(QStringLiteral("%1 (sleep)").arg(pid)), qPrintable(d.reason));
        QTRY_COMPARE(holder_.state(), QProcess::NotRunning);
        QCOMPARE(holder_.exitStatus(), QProcess::CrashExit); // SIGTERM
        QCOMPARE(mountedOn(), QStringList());
        QCOMPARE(roFlag(), QStringLiteral("1"));
    }

    void unmountWithoutKillFailsNamingHolders() {
        REQUIRE_LOOP();
        auto disk = make({{"umount/action", "none"}, {"umount/retry", "1"}});
        QVERIFY(activate(*disk).ok);
        startHolder();
        const Result d = deactivate(*disk);
        QCOMPARE(d.calls, 1);
        QVERIFY(!d.ok);
        QVERIFY2(d.reason.contains(mountPoint()) &&
                     d.reason.contains(QStringLiteral("%1 (sleep)").arg(holder_.processId())),
                 qPrintable(d.reason));
        QCOMPARE(holder_.state(), QProcess::Running);
        QCOMPARE(mountedOn(), QStringList{mountPoint()});
        QCOMPARE(roFlag(), QStringLiteral("0")); // still mounted: left writable

        holder_.kill();
        holder_.waitForFinished();
        const Result retry = deactivate(*disk);
        QVERIFY2(retry.ok, qPrintable(retry.reason));
        QCOMPARE(mountedOn(), QStringList());
    }

    void fsckWhenNeeded() {
        REQUIRE_LOOP();
        // Mark the file system as having errors: e2fsck -p then checks it.
        QVERIFY(BlockDevice::setReadOnly(loop_, false, nullptr));
        QCOMPARE(run(QStringLiteral("tune2fs"), {"-E", "force_fsck", loop_}).code, 0);
        QVERIFY2(fsState().contains(QLatin1String("error")), qPrintable(fsState()));

        auto never = make({{"fsck/timing", "never"}});
        QVERIFY(activate(*never).ok);
        QVERIFY(deactivate(*never).ok);
        QVERIFY2(fsState().contains(QLatin1String("error")), qPrintable(fsState()));

        auto needed = make({{"fsck/timing", "needed"}});
        const Result a = activate(*needed);
        QVERIFY2(a.ok, qPrintable(a.reason));
        QVERIFY(deactivate(*needed).ok);
        QCOMPARE(fsState(), QStringLiteral("clean"));

        auto always = make({{"fsck/timing", "always"}});
        const Result b = activate(*always);
        QVERIFY2(b.ok, qPrintable(b.reason));
        QVERIFY(deactivate(*always).ok);
    }

    void resolvesDeviceNames() {
        REQUIRE_LOOP();
        QString error;
        QCOMPARE(BlockDevice::resolve(QStringLiteral("UUID=") + uuid_, &error), loop_);
        QCOMPARE(BlockDevice::resolve(QStringLiteral("UUID=\"%1\"").arg(uuid_), &error), loop_);
        const QString link = tmp_.path() + QStringLiteral("/by-id-link");
        QFile::remove(link);
        QVERIFY(QFile::link(loop_, link));
        QCOMPARE(BlockDevice::resolve(link, &error), loop_);
        QVERIFY(BlockDevice::resolve(QStringLiteral("UUID=00000000-0000-0000-0000-000000000000"),
                                     &error)
                    .isEmpty());
        QVERIFY2(error.contains(QLatin1String("UUID=0000")), qPrintable(error));
        QVERIFY(BlockDevice::resolve(tmp_.path(), &error).isEmpty());
        QVERIFY2(error.contains(QLatin1String("not a block device")), qPrintable(error));

        auto disk = make({{"device", QStringLiteral("UUID=") + uuid_}});
        const Result a = activate(*disk);
        QVERIFY2(a.ok, qPrintable(a.reason));
        QCOMPARE(mountedOn(), QStringList{mountPoint()});
        QVERIFY(deactivate(*disk).ok);
    }

    void protectInactiveSetsReadOnly() {
        REQUIRE_LOOP();
        QVERIFY(BlockDevice::setReadOnly(loop_, false, nullptr));
        auto disk = make();
        QString error;
        QVERIFY2(disk->protectInactive(&error), qPrintable(error));
        QCOMPARE(roFlag(), QStringLiteral("1"));

        QVERIFY(activate(*disk).ok);
        QVERIFY2(disk->protectInactive(&error), qPrintable(error));
        QCOMPARE(roFlag(), QStringLiteral("0")); // mounted here: left alone
        QVERIFY(deactivate(*disk).ok);

        QVERIFY(BlockDevice::setReadOnly(loop_, false, nullptr));
        auto lvm = make({{"disktype", "lvm"}});
        QVERIFY(lvm->protectInactive(&error));
        QCOMPARE(roFlag(), QStringLiteral("0")); // a volume manager's device is never touched
    }

    void clprosetByDevice() {
        REQUIRE_LOOP();
        const QString bin = QStringLiteral(CLPROSET_BIN);
        Run r = run(bin, {"-w", "-d", loop_});
        QVERIFY2(r.code == 0, qPrintable(r.err));
        QCOMPARE(r.out, loop_ + QStringLiteral(" : RW\n"));
        QCOMPARE(roFlag(), QStringLiteral("0"));
        r = run(bin, {"-o", "-d", loop_});
        QCOMPARE(r.out, loop_ + QStringLiteral(" : RO\n"));
        QCOMPARE(roFlag(), QStringLiteral("1"));
        r = run(bin, {"-s", "-d", QStringLiteral("UUID=") + uuid_});
        QCOMPARE(r.out, loop_ + QStringLiteral(" : RO\n"));
        r = run(bin, {"-s", "-d", loop_, "--json"});
        QCOMPARE(r.code, 0);
        const QJsonObject json = QJsonDocument::fromJson(r.out.toUtf8()).object();
        QCOMPARE(json.value("ok").toBool(), true);
        QCOMPARE(json.value("devices").toArray().first().toObject().value("state").toString(),
                 QStringLiteral("RO"));

        // Usage errors (3), a missing device and a mounted one (1).
        QCOMPARE(run(bin, {"-d", loop_}).code, 3);
        QCOMPARE(run(bin, {"-o", "-w", "-d", loop_}).code, 3);
        QCOMPARE(run(bin, {"-o"}).code, 3);
        r = run(bin, {"-s", "-d", "/dev/lifeline-no-such-disk"});
        QCOMPARE(r.code, 1);
        QVERIFY2(r.err.contains(QLatin1String("not found")), qPrintable(r.err));
        QVERIFY(BlockDevice::setReadOnly(loop_, false, nullptr));
        QCOMPARE(run(QStringLiteral("mount"), {loop_, otherMountPoint()}).code, 0);
        r = run(bin, {"-o", "-d", loop_});
        QCOMPARE(r.code, 1);
        QVERIFY2(r.err.contains(otherMountPoint()), qPrintable(r.err));
        QCOMPARE(roFlag(), QStringLiteral("0"));
    }

    void clprosetFromConfig() {
        REQUIRE_LOOP();
        const QString bin = QStringLiteral(CLPROSET_BIN);
        const QString root = writeConfig(loop_);
        QVERIFY(!root.isEmpty());
        Run r = run(bin, {"-o", "-r", "disk1", "--root", root});
        QVERIFY2(r.code == 0, qPrintable(r.err));
        QCOMPARE(r.out, loop_ + QStringLiteral(" : RO\n"));
        QCOMPARE(roFlag(), QStringLiteral("1"));
        // -a: disk1 only; disk2 (disktype lvm) belongs to a volume manager.
        r = run(bin, {"-w", "-a", "--root", root});
        QVERIFY2(r.code == 0, qPrintable(r.err));
        QCOMPARE(r.out, loop_ + QStringLiteral(" : RW\n"));
        QCOMPARE(roFlag(), QStringLiteral("0"));
        r = run(bin, {"-s", "-r", "disk2", "--root", root});
        QCOMPARE(r.code, 1);
        QVERIFY2(r.err.contains(QLatin1String("disk2")), qPrintable(r.err));
        r = run(bin, {"-s", "-r", "nosuch", "--root", root});
        QCOMPARE(r.code, 1);
        QVERIFY2(r.err.contains(QLatin1String("nosuch")), qPrintable(r.err));
    }
};

QTEST_GUILESS_MAIN(TestDiskResource)
#include "tst_disk_resource.moc"
