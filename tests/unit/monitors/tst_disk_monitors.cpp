// diskw against a loop device whose backing file is on a tmpfs (/dev/shm),
// and volmgrw against a stand-in `vgs` (no LVM in the test environment).
#include "DiskMonitor.h"
#include "MonitorTestUtil.h"
#include "TestNetwork.h"
#include "VolmgrMonitor.h"

#include <QDir>
#include <QFile>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QtTest>

#include <unistd.h>

using namespace lifeline;
using namespace lifeline::monitors;
using CR = CheckResult;

class TstDiskMonitors : public QObject {
    Q_OBJECT
public:
    ~TstDiskMonitors() override { detach(); }

private slots:
    void initTestCase();
    void cleanupTestCase() { detach(); }
    void diskwReadsDevice();
    void diskwTurOnNonScsiIsWarning();
    void diskwMissingDeviceIsError();
    void diskwRemoveEventIsErrorAtOnce();
    void diskwDetachedDeviceIsError(); // last: detaches the loop device
    void volmgrwActiveExportedUnknown();
    void volmgrwWithoutVgsIsWarning();

private:
    MonitorContext diskw(const QString& object, const QString& method = {});
    MonitorContext volmgrw(const QString& devname);
    void detach();

    QString loop_;
    QString backing_;
    QTemporaryDir bin_; // the stand-in vgs
};

void TstDiskMonitors::initTestCase() {
    QVERIFY(bin_.isValid());
    QFile vgs(bin_.filePath(QStringLiteral("vgs")));
    QVERIFY(vgs.open(QIODevice::WriteOnly));
    // Called as: vgs --noheadings --separator | -o vg_name,vg_attr VG...
    vgs.write("#!/bin/sh\nshift 5\nfor vg; do case $vg in\n"
              "  vgok) echo '  vgok|wz--n-';;\n"
              "  vgexp) echo '  vgexp|wzx-n-';;\n"
              "  *) echo \"  Volume group \\\"$vg\\\" not found\" >&2; exit 5;;\n"
              "esac; done\n");
    vgs.close();
    vgs.setPermissions(vgs.permissions() | QFileDevice::ExeOwner);

    if (::geteuid() != 0 || QStandardPaths::findExecutable(QStringLiteral("losetup")).isEmpty())
        return; // the diskw tests skip
    backing_ = QStringLiteral("/dev/shm/lifeline-diskw-%1.img").arg(QCoreApplication::applicationPid());
    QFile image(backing_);
    QVERIFY(image.open(QIODevice::WriteOnly));
    QVERIFY(image.resize(1024 * 1024));
    image.close();
    int rc = 0;
    loop_ = testutil::run({"losetup", "-f", "--show", backing_}, {}, &rc).trimmed();
    if (rc != 0)
        loop_.clear();
}

void TstDiskMonitors::detach() {
    if (!loop_.isEmpty()) {
        int rc = 0;
        testutil::run({"losetup", "-d", loop_}, {}, &rc);
        loop_.clear();
    }
    if (!backing_.isEmpty())
        QFile::remove(backing_);
}

MonitorContext TstDiskMonitors::diskw(const QString& object, const QString& method) {
    auto context = testutil::monitorContext(QStringLiteral("diskw"), QStringLiteral("diskw1"));
    context.monitor.parameters.insert(QStringLiteral("object"), object);
    if (!method.isEmpty())
        context.monitor.parameters.insert(QStringLiteral("method"), method);
    return context;
}

#define NEED_LOOP()                                                                               \
    if (loop_.isEmpty())                                                                          \
    QSKIP("needs root and a loop device (losetup)")

void TstDiskMonitors::diskwReadsDevice() {
    NEED_LOOP();
    DiskMonitor d(diskw(loop_));
    auto outcome = testutil::runCheck(d);
    COMPARE_RESULT(outcome, CR::Normal);
    auto context = diskw(loop_, QStringLiteral("READ(O_DIRECT)"));
    context.monitor.parameters.insert(QStringLiteral("size"), QStringLiteral("65536"));
    DiskMonitor big(context);
    outcome = testutil::runCheck(big);
    COMPARE_RESULT(outcome, CR::Normal);
    QVERIFY2(outcome.detail.contains(QLatin1String("65536")), qPrintable(outcome.detail));
}

void TstDiskMonitors::diskwTurOnNonScsiIsWarning() {
    NEED_LOOP();
    DiskMonitor d(diskw(loop_, QStringLiteral("TUR")));
    const auto outcome = testutil::runCheck(d);
    COMPARE_RESULT(outcome, CR::Warning);
    QVERIFY2(outcome.detail.contains(QLatin1String("not a SCSI device")), qPrintable(outcome.detail));
}

void TstDiskMonitors::diskwMissingDeviceIsError() {
    DiskMonitor d(diskw(QStringLiteral("/dev/lifeline-no-such-disk")));
    COMPARE_RESULT(testutil::runCheck(d), CR::Error);
}

void TstDiskMonitors::diskwRemoveEventIsErrorAtOnce() {
    NEED_LOOP();
    DiskMonitor d(diskw(loop_));
    COMPARE_RESULT(testutil::runCheck(d), CR::Normal);
    if (!d.watchesRemoval())
        QSKIP("no uevent socket here: removal is only seen by the next read");
    // A synthetic "remove" uevent of the device: what udev reports when the disk goes.
    QSignalSpy spy(&d, &MonitorDriver::checkNow);
    const QString uevent = QStringLiteral("/sys/class/block/%1/uevent").arg(QFileInfo(loop_).fileName());
    QFile f(uevent);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write("remove\n");
    f.close();
    // Uevents reach only network namespaces of the initial user namespace.
    if (!QTest::qWaitFor([&spy] { return spy.count() > 0; }, 3000))
        QSKIP("no uevent arrived (this container gets no kernel uevents): removal path untested");
    const auto outcome = testutil::runCheck(d);
    COMPARE_RESULT(outcome, CR::Error);
    QVERIFY2(outcome.detail.contains(QLatin1String("removed")), qPrintable(outcome.detail));
    COMPARE_RESULT(testutil::runCheck(d), CR::Normal); // the device still reads: once only
}

void TstDiskMonitors::diskwDetachedDeviceIsError() {
    NEED_LOOP();
    DiskMonitor d(diskw(loop_));
    COMPARE_RESULT(testutil::runCheck(d), CR::Normal);
    const QString device = loop_;
    detach(); // the backing store is gone: the device has no sectors left
    const auto outcome = testutil::runCheck(d);
    COMPARE_RESULT(outcome, CR::Error);
    QVERIFY2(outcome.detail.contains(device), qPrintable(outcome.detail));
}

MonitorContext TstDiskMonitors::volmgrw(const QString& devname) {
    auto context = testutil::monitorContext(QStringLiteral("volmgrw"), QStringLiteral("volmgrw1"));
    context.monitor.parameters.insert(QStringLiteral("devname"), devname);
    return context;
}

void TstDiskMonitors::volmgrwActiveExportedUnknown() {
    if (!QFileInfo::exists(QLatin1String(VolmgrMonitor::kMapperControl)))
        QSKIP("no /dev/mapper/control here");
    const QByteArray path = qgetenv("PATH");
    qputenv("PATH", bin_.path().toLocal8Bit() + ':' + path);
    VolmgrMonitor ok(volmgrw(QStringLiteral("vgok")));
    const auto normal = testutil::runCheck(ok);
    VolmgrMonitor exported(volmgrw(QStringLiteral("vgok vgexp")));
    const auto error = testutil::runCheck(exported);
    VolmgrMonitor unknown(volmgrw(QStringLiteral("vgnone")));
    const auto missing = testutil::runCheck(unknown);
    qputenv("PATH", path);
    COMPARE_RESULT(normal, CR::Normal);
    COMPARE_RESULT(error, CR::Error);
    QVERIFY2(error.detail.contains(QLatin1String("vgexp is exported")), qPrintable(error.detail));
    COMPARE_RESULT(missing, CR::Error);
    QVERIFY2(missing.detail.contains(QLatin1String("not found")), qPrintable(missing.detail));
}

void TstDiskMonitors::volmgrwWithoutVgsIsWarning() {
    if (!QStandardPaths::findExecutable(QStringLiteral("vgs")).isEmpty() &&
        QFileInfo::exists(QLatin1String(VolmgrMonitor::kMapperControl)))
        QSKIP("LVM is installed here");
    VolmgrMonitor d(volmgrw(QStringLiteral("vg1")));
    const auto outcome = testutil::runCheck(d);
    COMPARE_RESULT(outcome, CR::Warning);
    QCOMPARE(outcome.detail, QStringLiteral("device-mapper is not available on this machine"));
}

QTEST_GUILESS_MAIN(TstDiskMonitors)
#include "tst_disk_monitors.moc"
