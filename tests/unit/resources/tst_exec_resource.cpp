#include "ExecResource.h"

#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QTemporaryDir>
#include <QtTest>

#include <csignal>
#include <sys/types.h>

using namespace lifeline;
using namespace lifeline::resources;

namespace {

// A zombie (exited, not yet reaped by its new parent) counts as gone.
bool alive(qint64 pid) {
    if (pid <= 0 || ::kill(pid_t(pid), 0) != 0)
        return false;
    QFile stat(QStringLiteral("/proc/%1/stat").arg(pid));
    if (!stat.open(QIODevice::ReadOnly))
        return false;
    const QByteArray line = stat.readAll();
    const int paren = line.lastIndexOf(')');
    return paren < 0 || line.mid(paren + 2, 1) != "Z";
}

struct Result {
    bool called = false;
    bool ok = false;
    QString reason;
};

} // namespace

class TestExecResource : public QObject {
    Q_OBJECT

private:
    QTemporaryDir root_;
    int counter_ = 0;

    QString root() const { return root_.path(); }

    QString newName() { return QStringLiteral("exec%1").arg(++counter_); }

    std::unique_ptr<ExecResource> make(const QString& name, QMap<QString, QString> params = {},
                                       const QString& home = QStringLiteral("server1")) {
        ResourceContext c;
        c.paths = config::Paths(root());
        c.localServer = QStringLiteral("server1");
        c.group = QStringLiteral("grp1");
        c.resource.type = QStringLiteral("exec");
        c.resource.name = name;
        c.resource.parameters = std::move(params);
        c.homeServer = home;
        return std::make_unique<ExecResource>(std::move(c));
    }

    QString scriptDir(const QString& name) const {
        return root() + QStringLiteral("/etc/lifeline/scripts/grp1/") + name;
    }

    void writeScript(const QString& name, const QString& file, const QByteArray& body,
                     bool executable = true) {
        QDir().mkpath(scriptDir(name));
        QFile f(scriptDir(name) + QLatin1Char('/') + file);
        QVERIFY(f.open(QIODevice::WriteOnly | QIODevice::Truncate));
        f.write("#!/bin/sh\n" + body + "\n");
        f.close();
        auto perms = QFile::ReadOwner | QFile::WriteOwner | QFile::ReadUser | QFile::WriteUser;
        if (executable)
            perms |= QFile::ExeOwner | QFile::ExeUser;
        QVERIFY(f.setPermissions(perms));
    }

    QByteArray readFile(const QString& path) const {
        QFile f(path);
        return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
    }

    Result activate(ExecResource& r, ResourceEvent event = ResourceEvent::Start) {
        auto result = std::make_shared<Result>();
        r.activate(event, [result](bool ok, const QString& reason) {
            result->called = true;
            result->ok = ok;
            result->reason = reason;
        });
        [&] { QTRY_VERIFY_WITH_TIMEOUT(result->called, 10000); }();
        return *result;
    }

    Result deactivate(ExecResource& r, ResourceEvent event = ResourceEvent::Stop) {
        auto result = std::make_shared<Result>();
        r.deactivate(event, [result](bool ok, const QString& reason) {
            result->called = true;
            result->ok = ok;
            result->reason = reason;
        });
        [&] { QTRY_VERIFY_WITH_TIMEOUT(result->called, 10000); }();
        return *result;
    }

private slots:
    void initTestCase() { QVERIFY(root_.isValid()); }

    void registered() {
        QVERIFY(isResourceTypeImplemented(QStringLiteral("exec")));
        ResourceContext c;
        c.resource.type = QStringLiteral("exec");
        QString error;
        QVERIFY(createResourceDriver(c, &error) != nullptr);
    }

    void successSeesEnvironment() {
        const QString name = newName();
        writeScript(name, QStringLiteral("start.sh"),
                    "env | grep -E '^(CLP_|LIFELINE_)' > \"$LIFELINE_ROOT/" + name.toUtf8() +
                        ".env\"\necho hello-stdout\necho hello-stderr >&2\nexit 0");
        auto r = make(name);
        QString reason;
        QCOMPARE(r->observe(&reason), ResourceState::Offline);
        const Result res = activate(*r, ResourceEvent::Failover);
        QVERIFY2(res.ok, qPrintable(res.reason));
        QCOMPARE(r->observe(&reason), ResourceState::Online);
        const QByteArray env = readFile(root() + QLatin1Char('/') + name + QStringLiteral(".env"));
        QVERIFY2(env.contains("CLP_EVENT=FAILOVER\n"), env.constData());
        QVERIFY(env.contains("CLP_SERVER=HOME\n"));
        QVERIFY(env.contains("CLP_GROUPNAME=grp1\n"));
        QVERIFY(env.contains("CLP_RESOURCENAME=" + name.toUtf8() + "\n"));
        QVERIFY(env.contains("LIFELINE_ROOT=" + root().toUtf8() + "\n"));
        QVERIFY(env.contains("LIFELINE_SERVER=server1\n"));
        // Default log: <logDir>/exec/<group>.<resource>.log with both streams and a header.
        const QString log = root() + QStringLiteral("/var/log/lifeline/exec/grp1.") + name +
                            QStringLiteral(".log");
        QCOMPARE(r->logFilePath(), log);
        const QByteArray text = readFile(log);
        QVERIFY2(text.contains("hello-stdout") && text.contains("hello-stderr"), text.constData());
        QVERIFY(text.contains("==== start.sh"));
        QVERIFY(text.contains("start.sh exited with code 0"));
    }

    // lifelined blocks SIGTERM/SIGINT for its signalfd: a script must not inherit that,
    // or SIGTERM (a stop.sh's kill, the unmount escalation) could never stop what it starts.
    void scriptStartsWithDefaultSignals() {
        sigset_t blocked, previous;
        sigemptyset(&blocked);
        sigaddset(&blocked, SIGTERM);
        sigaddset(&blocked, SIGINT);
        QVERIFY(::sigprocmask(SIG_BLOCK, &blocked, &previous) == 0);
        const QString name = newName();
        writeScript(name, QStringLiteral("start.sh"),
                    "grep -E '^Sig(Blk|Ign):' /proc/self/status > \"$LIFELINE_ROOT/" + name.toUtf8() +
                        ".sig\"");
        auto r = make(name);
        const Result res = activate(*r);
        ::sigprocmask(SIG_SETMASK, &previous, nullptr);
        QVERIFY2(res.ok, qPrintable(res.reason));
        const QByteArray sig = readFile(root() + QLatin1Char('/') + name + QStringLiteral(".sig"));
        QVERIFY2(sig.contains("SigBlk:\t0000000000000000"), sig.constData());
    }

    void exitOneFails() {
        const QString name = newName();
        writeScript(name, QStringLiteral("start.sh"), "exit 1");
        auto r = make(name);
        const Result res = activate(*r);
        QVERIFY(!res.ok);
        QVERIFY2(res.reason.contains(QStringLiteral("exited with code 1")), qPrintable(res.reason));
        QString reason;
        QCOMPARE(r->observe(&reason), ResourceState::Error);
        QCOMPARE(reason, res.reason);
    }

    void timeoutKillsGroup() {
        const QString name = newName();
        const QByteArray pidFile = "\"$LIFELINE_ROOT/" + name.toUtf8() + ".child\"";
        // The shell ignores TERM: the group must still be gone (SIGKILL after the grace).
        writeScript(name, QStringLiteral("start.sh"),
                    "sleep 100 &\necho $! > " + pidFile + "\ntrap '' TERM\nwhile :; do sleep 1; done");
        auto r = make(name, {{QStringLiteral("timeout/start"), QStringLiteral("0.3")}});
        QElapsedTimer clock;
        clock.start();
        const Result res = activate(*r);
        QVERIFY(!res.ok);
        QVERIFY2(res.reason.contains(QStringLiteral("start.sh timed out after 0.3 s")),
                 qPrintable(res.reason));
        QVERIFY(clock.elapsed() < 3000);
        const qint64 child = readFile(root() + QLatin1Char('/') + name + QStringLiteral(".child"))
                                 .trimmed()
                                 .toLongLong();
        QVERIFY(child > 0);
        QTRY_VERIFY_WITH_TIMEOUT(!alive(child), 3000);
        QString reason;
        QCOMPARE(r->observe(&reason), ResourceState::Error);
    }

    void stopGetsStopEvent() {
        const QString name = newName();
        writeScript(name, QStringLiteral("start.sh"), "exit 0");
        writeScript(name, QStringLiteral("stop.sh"),
                    "echo \"$CLP_EVENT $CLP_SERVER\" > \"$LIFELINE_ROOT/" + name.toUtf8() +
                        ".stop\"");
        auto r = make(name, {}, QStringLiteral("server2"));
        QVERIFY(activate(*r).ok);
        const Result res = deactivate(*r, ResourceEvent::Stop);
        QVERIFY2(res.ok, qPrintable(res.reason));
        QCOMPARE(readFile(root() + QLatin1Char('/') + name + QStringLiteral(".stop")),
                 QByteArray("STOP OTHER\n"));
        QString reason;
        QCOMPARE(r->observe(&reason), ResourceState::Offline);
    }

    void stopFailureIsError() {
        const QString name = newName();
        writeScript(name, QStringLiteral("start.sh"), "exit 0");
        writeScript(name, QStringLiteral("stop.sh"), "exit 3");
        auto r = make(name);
        QVERIFY(activate(*r).ok);
        const Result res = deactivate(*r);
        QVERIFY(!res.ok);
        QVERIFY(res.reason.contains(QStringLiteral("stop.sh exited with code 3")));
        QString reason;
        QCOMPARE(r->observe(&reason), ResourceState::Error);
    }

    void asyncResidentDiesIsError() {
        const QString name = newName();
        const QByteArray pidFile = "\"$LIFELINE_ROOT/" + name.toUtf8() + ".child\"";
        writeScript(name, QStringLiteral("start.sh"),
                    "sleep 100 &\necho $! > " + pidFile + "\nwait");
        writeScript(name, QStringLiteral("stop.sh"), "exit 0");
        auto r = make(name, {{QStringLiteral("act/sync"), QStringLiteral("0")},
                             {QStringLiteral("timeout/start"), QStringLiteral("0.4")}});
        QCOMPARE(r->settleMs(), 200);
        const Result res = activate(*r);
        QVERIFY2(res.ok, qPrintable(res.reason));
        QString reason;
        QCOMPARE(r->observe(&reason), ResourceState::Online);
        const qint64 resident = r->residentPid();
        QVERIFY(resident > 0);
        QVERIFY(::kill(pid_t(resident), SIGKILL) == 0);
        QTRY_COMPARE_WITH_TIMEOUT(r->observe(&reason), ResourceState::Error, 3000);
        QVERIFY2(reason.contains(QStringLiteral("signal 9")), qPrintable(reason));
        // The orphaned child is still in the group: deactivation removes it.
        const qint64 child = readFile(root() + QLatin1Char('/') + name + QStringLiteral(".child"))
                                 .trimmed()
                                 .toLongLong();
        QVERIFY(alive(child));
        QVERIFY(deactivate(*r).ok);
        QTRY_VERIFY_WITH_TIMEOUT(!alive(child), 3000);
        QCOMPARE(r->observe(&reason), ResourceState::Offline);
    }

    void asyncDeactivateKillsGroup() {
        const QString name = newName();
        const QByteArray pidFile = "\"$LIFELINE_ROOT/" + name.toUtf8() + ".child\"";
        writeScript(name, QStringLiteral("start.sh"),
                    "sleep 100 &\necho $! > " + pidFile + "\ntrap '' TERM\nwhile :; do sleep 1; done");
        writeScript(name, QStringLiteral("stop.sh"),
                    "echo \"$CLP_EVENT $CLP_PID\" > \"$LIFELINE_ROOT/" + name.toUtf8() + ".stop\"");
        auto r = make(name, {{QStringLiteral("act/sync"), QStringLiteral("0")},
                             {QStringLiteral("timeout/start"), QStringLiteral("0.4")},
                             {QStringLiteral("timeout/stop"), QStringLiteral("0.4")}});
        QVERIFY(activate(*r).ok);
        const qint64 resident = r->residentPid();
        const qint64 child = readFile(root() + QLatin1Char('/') + name + QStringLiteral(".child"))
                                 .trimmed()
                                 .toLongLong();
        QVERIFY(alive(resident));
        QVERIFY(alive(child));
        const Result res = deactivate(*r, ResourceEvent::Failover);
        QVERIFY2(res.ok, qPrintable(res.reason));
        QCOMPARE(readFile(root() + QLatin1Char('/') + name + QStringLiteral(".stop")),
                 "FAILOVER " + QByteArray::number(resident) + "\n");
        QTRY_VERIFY_WITH_TIMEOUT(!alive(resident) && !alive(child), 3000);
        QString reason;
        QCOMPARE(r->observe(&reason), ResourceState::Offline);
        QCOMPARE(r->residentPid(), 0);
    }

    void asyncEarlyExitFails() {
        const QString name = newName();
        writeScript(name, QStringLiteral("start.sh"), "exit 0");
        auto r = make(name, {{QStringLiteral("act/sync"), QStringLiteral("0")},
                             {QStringLiteral("timeout/start"), QStringLiteral("0.4")}});
        const Result res = activate(*r);
        QVERIFY(!res.ok);
        QVERIFY2(res.reason.contains(QStringLiteral("resident")), qPrintable(res.reason));
    }

    void logRotates() {
        const QString name = newName();
        writeScript(name, QStringLiteral("start.sh"), "printf 'x%.0s' $(seq 1 150); echo");
        const QString log = root() + QStringLiteral("/custom/") + name + QStringLiteral(".log");
        auto r = make(name, {{QStringLiteral("userlog"), log},
                             {QStringLiteral("logrotate/use"), QStringLiteral("1")},
                             {QStringLiteral("logrotate/size"), QStringLiteral("400")}});
        QCOMPARE(r->logFilePath(), log);
        QVERIFY(activate(*r).ok);
        QVERIFY(!QFile::exists(log + QStringLiteral(".1")));
        QVERIFY(readFile(log).contains(QByteArray(150, 'x')));
        writeScript(name, QStringLiteral("stop.sh"), "exit 0");
        for (int i = 0; i < 3; ++i) {
            QVERIFY(deactivate(*r).ok);
            QVERIFY(activate(*r).ok);
        }
        QVERIFY(QFile::exists(log + QStringLiteral(".1")));
        QVERIFY(QFileInfo(log).size() <= 400);
        QVERIFY(QFileInfo(log + QStringLiteral(".1")).size() <= 400);
        // Whole chunks rotate: the newest output is in one of the two files.
        QVERIFY(!readFile(log + QStringLiteral(".1")).isEmpty());
        QVERIFY((readFile(log + QStringLiteral(".1")) + readFile(log)).contains(QByteArray(150, 'x')));
    }

    void missingOrNotExecutable() {
        const QString name = newName();
        auto r = make(name);
        Result res = activate(*r);
        QVERIFY(!res.ok);
        QVERIFY2(res.reason.contains(r->startScriptPath()), qPrintable(res.reason));
        QVERIFY(res.reason.contains(QStringLiteral("not found")));
        QString reason;
        QCOMPARE(r->observe(&reason), ResourceState::Error);

        writeScript(name, QStringLiteral("start.sh"), "exit 0", false);
        res = activate(*r);
        QVERIFY(!res.ok);
        QVERIFY2(res.reason.contains(r->startScriptPath()), qPrintable(res.reason));
        QVERIFY(res.reason.contains(QStringLiteral("not executable")));

        res = deactivate(*r);
        QVERIFY(!res.ok);
        QVERIFY2(res.reason.contains(r->stopScriptPath()), qPrintable(res.reason));
    }

    void deactivateAbortsActivation() {
        const QString name = newName();
        const QString pidPath = root() + QLatin1Char('/') + name + QStringLiteral(".child");
        writeScript(name, QStringLiteral("start.sh"),
                    "sleep 100 &\necho $! > \"" + pidPath.toUtf8() + "\"\nwait");
        writeScript(name, QStringLiteral("stop.sh"), "exit 0");
        auto r = make(name);
        auto act = std::make_shared<Result>();
        r->activate(ResourceEvent::Start, [act](bool ok, const QString& reason) {
            act->called = true;
            act->ok = ok;
            act->reason = reason;
        });
        QTRY_VERIFY_WITH_TIMEOUT(QFileInfo(pidPath).size() > 0, 5000);
        const qint64 child = readFile(pidPath).trimmed().toLongLong();
        QVERIFY(r->isBusy());
        const Result res = deactivate(*r);
        QVERIFY2(res.ok, qPrintable(res.reason));
        QVERIFY(act->called && !act->ok);
        QTRY_VERIFY_WITH_TIMEOUT(!alive(child), 3000);
        QString reason;
        QCOMPARE(r->observe(&reason), ResourceState::Offline);
    }

    void notRunnable() {
        // Executable but without a #! line: exec fails, reported without hanging.
        const QString name = newName();
        QDir().mkpath(scriptDir(name));
        QFile f(scriptDir(name) + QStringLiteral("/start.sh"));
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write("\x7f" "ELF garbage\n");
        f.close();
        QVERIFY(f.setPermissions(QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner));
        auto r = make(name);
        const Result res = activate(*r);
        QVERIFY(!res.ok);
        QVERIFY2(res.reason.contains(r->startScriptPath()), qPrintable(res.reason));
    }

    void absolutePath() {
        const QString name = newName();
        writeScript(name, QStringLiteral("other.sh"), "exit 0");
        const QString abs = scriptDir(name) + QStringLiteral("/other.sh");
        auto r = make(name, {{QStringLiteral("act/path"), abs}});
        QCOMPARE(r->startScriptPath(), abs);
        QVERIFY(activate(*r).ok);
    }
};

QTEST_GUILESS_MAIN(TestExecResource)
#include "tst_exec_resource.moc"
