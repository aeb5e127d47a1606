// genw (user scripts, synchronous and resident) and pidw (the resident process
// of a real asynchronous exec resource). Scripts live in a temporary root.
#include "ExecResource.h"
#include "GenericMonitor.h"
#include "MonitorTestUtil.h"
#include "PidMonitor.h"
#include "TestNetwork.h"

#include <QDir>
#include <QFile>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QtTest>

#include <csignal>

using namespace lifeline;
using namespace lifeline::monitors;
using CR = CheckResult;

// Gone, or a zombie nobody reaps (containers without an init that reaps).
static bool processGone(qint64 pid) {
    QFile stat(QStringLiteral("/proc/%1/stat").arg(pid));
    if (!stat.open(QIODevice::ReadOnly))
        return true;
    const QByteArray line = stat.readAll();
    return line.mid(line.lastIndexOf(") ") + 2, 1) == "Z";
}

class TstProcessMonitors : public QObject {
    Q_OBJECT
private slots:
    void initTestCase() { QVERIFY(root_.isValid()); }
    void genwPathDefaultsToMonitorScriptDir();
    void genwSyncExitCodes();
    void genwGetsEnvironment();
    void genwMissingScriptIsError();
    void genwTimeoutKillsScript();
    void genwCancelKillsProcessGroup();
    void genwAsyncResidentDies();
    void pidwResidentKilled();
    void pidwWrongTarget();

private:
    QString writeScript(const QString& relative, const QByteArray& body);
    MonitorContext genwContext(const QString& name, const QByteArray& body, bool sync = true);
    QString file(const QString& name) const { return root_.filePath(name); }

    QTemporaryDir root_;
};

QString TstProcessMonitors::writeScript(const QString& relative, const QByteArray& body) {
    const QString path = root_.filePath(relative);
    QDir().mkpath(QFileInfo(path).absolutePath());
    QFile f(path);
    if (!f.open(QIODevice::WriteOnly))
        return {};
    f.write("#!/bin/sh\n" + body + "\n");
    f.close();
    f.setPermissions(f.permissions() | QFileDevice::ExeOwner);
    return path;
}

MonitorContext TstProcessMonitors::genwContext(const QString& name, const QByteArray& body, bool sync) {
    auto context = testutil::monitorContext(QStringLiteral("genw"), name);
    context.paths = config::Paths(root_.path());
    if (!sync)
        context.monitor.parameters.insert(QStringLiteral("sync"), QStringLiteral("0"));
    writeScript(QStringLiteral("etc/lifeline/scripts/monitor.s/%1/genw.sh").arg(name), body);
    return context;
}

void TstProcessMonitors::genwPathDefaultsToMonitorScriptDir() {
    auto context = genwContext(QStringLiteral("genwpath"), "exit 0");
    GenericMonitor d(context);
    QCOMPARE(d.scriptPath(), root_.filePath(QStringLiteral("etc/lifeline/scripts/monitor.s/genwpath/genw.sh")));
    context.monitor.parameters.insert(QStringLiteral("path"), QStringLiteral("/opt/check.sh"));
    QCOMPARE(GenericMonitor(context).scriptPath(), QStringLiteral("/opt/check.sh"));
}

void TstProcessMonitors::genwSyncExitCodes() {
    GenericMonitor ok(genwContext(QStringLiteral("genwok"), "exit 0"));
    COMPARE_RESULT(testutil::runCheck(ok), CR::Normal);
    COMPARE_RESULT(testutil::runCheck(ok), CR::Normal);
    GenericMonitor fail(genwContext(QStringLiteral("genwfail"), "echo failing; exit 3"));
    const auto outcome = testutil::runCheck(fail);
    COMPARE_RESULT(outcome, CR::Error);
    QVERIFY2(outcome.detail.contains(QLatin1String("3")), qPrintable(outcome.detail));
}

void TstProcessMonitors::genwGetsEnvironment() {
    const QByteArray out = file(QStringLiteral("env.out")).toLocal8Bit();
    auto context = genwContext(QStringLiteral("genwenv"),
                               "echo \"$CLP_MONITORNAME $CLP_RESOURCENAME $CLP_GROUPNAME $LIFELINE_SERVER "
                               "$LIFELINE_ROOT\" > " + out);
    config::ClusterConfig config;
    config::Group group;
    group.name = QStringLiteral("failover1");
    group.resourceRefs = {QStringLiteral("exec@exec1")};
    config.groups = {group};
    context.config = &config;
    context.monitor.target = QStringLiteral("exec1");
    GenericMonitor d(context);
    COMPARE_RESULT(testutil::runCheck(d), CR::Normal);
    QFile f(QString::fromLocal8Bit(out));
    QVERIFY(f.open(QIODevice::ReadOnly));
    QCOMPARE(f.readAll().trimmed(), ("genwenv exec1 failover1 server1 " + root_.path()).toLocal8Bit());
}

void TstProcessMonitors::genwMissingScriptIsError() {
    auto context = testutil::monitorContext(QStringLiteral("genw"), QStringLiteral("genwnone"));
    context.paths = config::Paths(root_.path());
    GenericMonitor d(context);
    const auto outcome = testutil::runCheck(d);
    COMPARE_RESULT(outcome, CR::Error);
    QVERIFY2(outcome.detail.contains(QLatin1String("genw.sh")), qPrintable(outcome.detail));
}

void TstProcessMonitors::genwTimeoutKillsScript() {
    // Without a cancel() from the scheduler, the backstop (monitor timeout + 1 s) still ends the run.
    auto context = genwContext(QStringLiteral("genwslow"), "sleep 300");
    context.monitor.timeoutMs = 400;
    GenericMonitor d(context);
    const auto outcome = testutil::runCheck(d, 5000);
    COMPARE_RESULT(outcome, CR::Error);
    QVERIFY2(outcome.detail.contains(QLatin1String("timed out")), qPrintable(outcome.detail));
}

void TstProcessMonitors::genwCancelKillsProcessGroup() {
    const QString pids = file(QStringLiteral("cancel.pids"));
    GenericMonitor d(genwContext(QStringLiteral("genwcancel"),
                                 "sleep 300 & echo $$ $! > " + pids.toLocal8Bit() + ".tmp; mv " +
                                     pids.toLocal8Bit() + ".tmp " + pids.toLocal8Bit() + "; wait"));
    bool called = false;
    d.check([&called](CheckResult, const QString&) { called = true; });
    QTRY_VERIFY_WITH_TIMEOUT(QFile::exists(pids), 5000);
    QFile f(pids);
    QVERIFY(f.open(QIODevice::ReadOnly));
    const QList<QByteArray> both = f.readAll().trimmed().split(' ');
    QCOMPARE(both.size(), 2);
    d.cancel();
    for (const auto& pid : both)
        QTRY_VERIFY_WITH_TIMEOUT(processGone(pid.toLongLong()), 5000);
    QCoreApplication::processEvents();
    QVERIFY2(!called, "done of a cancelled check was called");
    // The driver is usable again.
    QFile::remove(pids);
}

void TstProcessMonitors::genwAsyncResidentDies() {
    GenericMonitor d(genwContext(QStringLiteral("genwasync"), "exec sleep 300", false));
    auto outcome = testutil::runCheck(d);
    COMPARE_RESULT(outcome, CR::Normal);
    const qint64 pid = d.scriptPid();
    QVERIFY(pid > 0);
    COMPARE_RESULT(testutil::runCheck(d), CR::Normal);
    QCOMPARE(d.scriptPid(), pid); // started once, resident
    QSignalSpy spy(&d, &MonitorDriver::checkNow);
    ::kill(pid_t(pid), SIGKILL);
    QTRY_VERIFY_WITH_TIMEOUT(spy.count() == 1, 5000);
    outcome = testutil::runCheck(d);
    COMPARE_RESULT(outcome, CR::Error);
    COMPARE_RESULT(testutil::runCheck(d), CR::Error); // until the monitor is restarted
    d.cancel();
    COMPARE_RESULT(testutil::runCheck(d), CR::Normal);
    QVERIFY(d.scriptPid() > 0 && d.scriptPid() != pid);
    d.cancel(); // kills it
}

void TstProcessMonitors::pidwResidentKilled() {
    resources::ResourceContext rc;
    rc.paths = config::Paths(root_.path());
    rc.localServer = QStringLiteral("server1");
    rc.group = QStringLiteral("failover1");
    rc.resource.type = QStringLiteral("exec");
    rc.resource.name = QStringLiteral("exec1");
    rc.resource.parameters.insert(QStringLiteral("act/sync"), QStringLiteral("0"));
    writeScript(QStringLiteral("etc/lifeline/scripts/failover1/exec1/start.sh"), "exec sleep 300");
    writeScript(QStringLiteral("etc/lifeline/scripts/failover1/exec1/stop.sh"), "exit 0");
    resources::ExecResource exec(rc);
    const auto activated = testutil::waitForDriver(
        [&exec](resources::ResourceDriver::Done done) { exec.activate(resources::ResourceEvent::Start, done); });
    QVERIFY2(activated.ok, qPrintable(activated.reason));

    auto context = testutil::monitorContext(QStringLiteral("pidw"), QStringLiteral("pidw1"));
    context.monitor.target = QStringLiteral("exec1");
    context.resource = [&exec](const QString& name) -> resources::ResourceDriver* {
        return name == QLatin1String("exec1") ? &exec : nullptr;
    };
    PidMonitor d(context);
    auto outcome = testutil::runCheck(d);
    COMPARE_RESULT(outcome, CR::Normal);
    const qint64 pid = exec.residentPid();
    QVERIFY(outcome.detail.contains(QString::number(pid)));
    ::kill(pid_t(pid), SIGKILL);
    QTRY_VERIFY_WITH_TIMEOUT(testutil::runCheck(d).result == CR::Error, 5000);
    outcome = testutil::runCheck(d);
    COMPARE_RESULT(outcome, CR::Error);
    QVERIFY2(outcome.detail.contains(QString::number(pid)), qPrintable(outcome.detail));
    testutil::waitForDriver(
        [&exec](resources::ResourceDriver::Done done) { exec.deactivate(resources::ResourceEvent::Stop, done); });
}

void TstProcessMonitors::pidwWrongTarget() {
    auto context = testutil::monitorContext(QStringLiteral("pidw"), QStringLiteral("pidw2"));
    context.monitor.target = QStringLiteral("nosuch");
    context.resource = [](const QString&) { return nullptr; };
    PidMonitor d(context);
    COMPARE_RESULT(testutil::runCheck(d), CR::Warning);
}

QTEST_GUILESS_MAIN(TstProcessMonitors)
#include "tst_process_monitors.moc"
