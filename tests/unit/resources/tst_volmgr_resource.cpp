// The volmgr driver's LVM command sequences, with a fake command runner; the
// default (QProcess) runner; and, where device-mapper and LVM are usable, a
// real volume group on a loop device.
#include "CommandRunner.h"
#include "TestNetwork.h"
#include "VolmgrResource.h"

#include <QTemporaryDir>
#include <QTimer>
#include <QtTest>

#include <unistd.h>

using namespace lifeline;
using namespace lifeline::resources;
using Result = testutil::DriverResult;
using Command = CommandRunner::Result;

namespace {

// Records every command; answers with `respond` (success, no output, by
// default) from the event loop, as a real runner would.
struct FakeLvm {
    QList<QStringList> commands;
    std::function<Command(const QStringList&)> respond;
};

class FakeRunner : public CommandRunner {
public:
    explicit FakeRunner(std::shared_ptr<FakeLvm> lvm) : lvm_(std::move(lvm)) {}
    void run(const QStringList& command, int, Callback done) override {
        lvm_->commands << command;
        Command r;
        r.started = true;
        r.exitCode = 0;
        if (lvm_->respond)
            r = lvm_->respond(command);
        QTimer::singleShot(0, [done, r] { done(r); });
    }

private:
    std::shared_ptr<FakeLvm> lvm_;
};

Command exited(int code, const QString& output, const QString& errorOutput = {}) {
    Command r;
    r.started = true;
    r.exitCode = code;
    r.output = output;
    r.errorOutput = errorOutput;
    return r;
}

// `vgs ... vg_systemid VG` answers `owner` for every VG; `failing` (a
// command's first words after --config, e.g. "vgchange -ay") fails.
std::function<Command(const QStringList&)> lvmAnswers(const QString& owner, const QString& failing = {}) {
    return [owner, failing](const QStringList& command) {
        const QString words = QStringList{command.value(0)}.join(u' ') + u' ' + command.mid(3).join(u' ');
        if (!failing.isEmpty() && words.startsWith(failing))
            return exited(5, {}, QStringLiteral("  WARNING: something\n  Volume group \"vg1\" has a problem\n"));
        if (command.value(0) == QLatin1String("vgs"))
            return exited(0, QStringLiteral("  %1  \n").arg(owner));
        return exited(0, {});
    };
}

QString cfg(const QString& formerOwner = {}) { return VolmgrResource::lvmConfig(QStringLiteral("server1"), formerOwner); }

QStringList vgs(const QString& vg) {
    return {"vgs", "--config", cfg(), "--noheadings", "--foreign", "-o", "vg_systemid", vg};
}
QStringList takeOver(const QString& vg, const QString& from = {}) {
    return {"vgchange", "--config", cfg(from), "-y", "--systemid", "server1", vg};
}
QStringList vgchange(const QString& flag, const QString& vg) { return {"vgchange", "--config", cfg(), flag, vg}; }

} // namespace

class TstVolmgrResource : public QObject {
    Q_OBJECT

private slots:
    void lvmConfigCarriesTheSystemId();
    void activatesAnUnownedVolumeGroup();
    void activatesItsOwnVolumeGroup();
    void takesOverFromAnotherClusterServer();
    void refusesAVolumeGroupOfAForeignHost();
    void failureOfEachActivationStepStopsThere_data();
    void failureOfEachActivationStepStopsThere();
    void deactivatesInReverseOrder();
    void deactivationFailureIsReported();
    void deactivationDuringActivationWaits();
    void vxvmIsRefused();
    void registryCreatesVolmgr();
    void processRunnerReportsExitCodeOutputAndTimeout();
    void realVolumeGroupOnLoopDevice();

private:
    std::unique_ptr<VolmgrResource> driver(const QString& devname, const QString& type = QStringLiteral("lvm"));
    static Result activate(VolmgrResource& d) {
        return testutil::waitForDriver([&d](ResourceDriver::Done done) { d.activate(ResourceEvent::Start, done); });
    }
    static Result deactivate(VolmgrResource& d) {
        return testutil::waitForDriver([&d](ResourceDriver::Done done) { d.deactivate(ResourceEvent::Stop, done); });
    }

    std::shared_ptr<FakeLvm> lvm_;
    config::ClusterConfig config_;
};

std::unique_ptr<VolmgrResource> TstVolmgrResource::driver(const QString& devname, const QString& type) {
    config_ = {};
    for (const char* name : {"server1", "server2"}) {
        config::Server s;
        s.name = QString::fromLatin1(name);
        config_.servers << s;
    }
    ResourceContext context;
    context.localServer = QStringLiteral("server1");
    context.group = QStringLiteral("failover1");
    context.config = &config_;
    context.resource.type = QStringLiteral("volmgr");
    context.resource.name = QStringLiteral("volmgr1");
    context.resource.parameters.insert(QStringLiteral("devname"), devname);
    context.resource.parameters.insert(QStringLiteral("type"), type);
    lvm_ = std::make_shared<FakeLvm>();
    return std::make_unique<VolmgrResource>(std::move(context), std::make_unique<FakeRunner>(lvm_));
}

void TstVolmgrResource::lvmConfigCarriesTheSystemId() {
    QCOMPARE(VolmgrResource::lvmConfig("server1"),
             QString(R"(global { system_id_source = "lvmlocal" } local { system_id = "server1" })"));
    QCOMPARE(VolmgrResource::lvmConfig("server1", "server2"),
             QString(R"(global { system_id_source = "lvmlocal" } local { system_id = "server1" )"
                     R"(extra_system_ids = [ "server2" ] })"));
}

void TstVolmgrResource::activatesAnUnownedVolumeGroup() {
    auto d = driver("vg1");
    lvm_->respond = lvmAnswers("");
    QString reason;
    QCOMPARE(d->observe(&reason), ResourceState::Offline);
    const Result r = activate(*d);
    QVERIFY2(r.finished && r.ok, qPrintable(r.reason));
    QCOMPARE(lvm_->commands, (QList<QStringList>{vgs("vg1"), takeOver("vg1"), vgchange("-ay", "vg1")}));
    QCOMPARE(d->observe(&reason), ResourceState::Online);
    QVERIFY2(reason.contains("vg1"), qPrintable(reason));
}

void TstVolmgrResource::activatesItsOwnVolumeGroup() {
    auto d = driver("vg1");
    lvm_->respond = lvmAnswers("server1");
    const Result r = activate(*d);
    QVERIFY2(r.finished && r.ok, qPrintable(r.reason));
    QCOMPARE(lvm_->commands, (QList<QStringList>{vgs("vg1"), vgchange("-ay", "vg1")}));
}

void TstVolmgrResource::takesOverFromAnotherClusterServer() {
    auto d = driver("vg1, vg2");
    lvm_->respond = lvmAnswers("server2");
    const Result r = activate(*d);
    QVERIFY2(r.finished && r.ok, qPrintable(r.reason));
    QCOMPARE(lvm_->commands, (QList<QStringList>{vgs("vg1"), takeOver("vg1", "server2"), vgchange("-ay", "vg1"),
                                                 vgs("vg2"), takeOver("vg2", "server2"), vgchange("-ay", "vg2")}));
}

void TstVolmgrResource::refusesAVolumeGroupOfAForeignHost() {
    auto d = driver("vg1");
    lvm_->respond = lvmAnswers("nas-7");
    const Result r = activate(*d);
    QVERIFY(r.finished && !r.ok);
    QVERIFY2(r.reason.contains("\"nas-7\"") && r.reason.contains("not a server of this cluster"), qPrintable(r.reason));
    QCOMPARE(lvm_->commands, (QList<QStringList>{vgs("vg1")}));
    QString reason;
    QCOMPARE(d->observe(&reason), ResourceState::Error);
    QCOMPARE(reason, r.reason);
}

void TstVolmgrResource::failureOfEachActivationStepStopsThere_data() {
    QTest::addColumn<QString>("failing");
    QTest::addColumn<int>("commandsRun");
    QTest::addColumn<QString>("reasonStart");
    QTest::newRow("vgs") << "vgs --noheadings" << 1 << "cannot read the owner of volume group vg1: vgs --config";
    QTest::newRow("take over") << "vgchange -y" << 2 << "cannot take volume group vg1 over: vgchange --config";
    QTest::newRow("activate") << "vgchange -ay" << 3 << "cannot activate volume group vg1: vgchange --config";
}

void TstVolmgrResource::failureOfEachActivationStepStopsThere() {
    QFETCH(QString, failing);
    QFETCH(int, commandsRun);
    QFETCH(QString, reasonStart);
    auto d = driver("vg1 vg2");
    lvm_->respond = lvmAnswers("", failing);
    const Result r = activate(*d);
    QVERIFY(r.finished && !r.ok);
    qInfo("%s", qPrintable(r.reason));
    QVERIFY2(r.reason.startsWith(reasonStart), qPrintable(r.reason));
    // exit code and the last line of stderr
    QVERIFY2(r.reason.endsWith("exited with code 5: Volume group \"vg1\" has a problem"), qPrintable(r.reason));
    QCOMPARE(lvm_->commands.size(), commandsRun); // vg2 is not touched
    QString reason;
    QCOMPARE(d->observe(&reason), ResourceState::Error);

    // A timeout reads as one.
    auto t = driver("vg1");
    lvm_->respond = [](const QStringList&) {
        Command c;
        c.started = true;
        c.timedOut = true;
        c.crashed = true;
        return c;
    };
    const Result rt = activate(*t);
    QVERIFY(rt.finished && !rt.ok);
    QVERIFY2(rt.reason.endsWith("vg_systemid vg1 timed out"), qPrintable(rt.reason));
}

void TstVolmgrResource::deactivatesInReverseOrder() {
    auto d = driver("vg1,vg2");
    lvm_->respond = lvmAnswers("server1");
    QVERIFY(activate(*d).ok);
    lvm_->commands.clear();
    const Result r = deactivate(*d);
    QVERIFY2(r.finished && r.ok, qPrintable(r.reason));
    // No ownership change: the VGs stay this server's until another takes them.
    QCOMPARE(lvm_->commands, (QList<QStringList>{vgchange("-an", "vg2"), vgchange("-an", "vg1")}));
    QString reason;
    QCOMPARE(d->observe(&reason), ResourceState::Offline);
}

void TstVolmgrResource::deactivationFailureIsReported() {
    auto d = driver("vg1,vg2");
    lvm_->respond = [](const QStringList& command) {
        if (command.contains("-an") && command.contains("vg2"))
            return exited(5, {}, "  Logical volume vg2/lv0 in use.\n");
        return exited(0, {});
    };
    const Result r = deactivate(*d);
    QVERIFY(r.finished && !r.ok);
    QVERIFY2(r.reason.startsWith("cannot deactivate volume group vg2: vgchange --config"), qPrintable(r.reason));
    QVERIFY2(r.reason.endsWith("exited with code 5: Logical volume vg2/lv0 in use."), qPrintable(r.reason));
    QCOMPARE(lvm_->commands, (QList<QStringList>{vgchange("-an", "vg2")}));
    QString reason;
    QCOMPARE(d->observe(&reason), ResourceState::Error);
}

void TstVolmgrResource::deactivationDuringActivationWaits() {
    auto d = driver("vg1,vg2");
    lvm_->respond = lvmAnswers("server1");
    Result activation;
    d->activate(ResourceEvent::Start, [&activation](bool ok, const QString& reason) {
        activation = {true, ok, reason};
    });
    const Result r = deactivate(*d); // while vgs of vg1 runs
    QVERIFY2(r.finished && r.ok, qPrintable(r.reason));
    QVERIFY(activation.finished && !activation.ok);
    QVERIFY2(activation.reason.contains("cancelled by deactivation"), qPrintable(activation.reason));
    QCOMPARE(lvm_->commands, (QList<QStringList>{vgs("vg1"), vgchange("-ay", "vg1"), vgchange("-an", "vg2"),
                                                 vgchange("-an", "vg1")}));
}

void TstVolmgrResource::vxvmIsRefused() {
    auto d = driver("dg1", "vxvm");
    const Result r = activate(*d);
    QVERIFY(r.finished && !r.ok);
    QCOMPARE(r.reason, QString("volmgr volmgr1: volume manager vxvm is not supported by Lifeline (use lvm)"));
    QVERIFY(lvm_->commands.isEmpty());
    QString reason;
    QCOMPARE(d->observe(&reason), ResourceState::Error);

    auto none = driver("");
    const Result r2 = activate(*none);
    QVERIFY(r2.finished && !r2.ok);
    QVERIFY2(r2.reason.contains("devname"), qPrintable(r2.reason));
}

void TstVolmgrResource::registryCreatesVolmgr() {
    ResourceContext context;
    context.resource.type = QStringLiteral("volmgr");
    context.resource.name = QStringLiteral("volmgr1");
    QString error;
    QVERIFY(isResourceTypeImplemented(QStringLiteral("volmgr")));
    QVERIFY2(createResourceDriver(context, &error) != nullptr, qPrintable(error));
}

void TstVolmgrResource::processRunnerReportsExitCodeOutputAndTimeout() {
    ProcessCommandRunner runner;
    auto runCommand = [&runner](const QStringList& command, int timeoutMs) {
        auto result = std::make_shared<std::optional<Command>>();
        runner.run(command, timeoutMs, [result](const Command& r) { *result = r; });
        QElapsedTimer t;
        t.start();
        while (!result->has_value() && t.elapsed() < 5000)
            QCoreApplication::processEvents(QEventLoop::WaitForMoreEvents, 10);
        return result->value_or(Command{});
    };
    const QStringList script{"sh", "-c", "echo out; echo $LC_ALL >&2; exit 3"};
    Command r = runCommand(script, 5000);
    QVERIFY(r.started && !r.ok());
    QCOMPARE(r.exitCode, 3);
    QCOMPARE(r.output, QString("out\n"));
    QCOMPARE(r.describe(script), QString("sh -c echo out; echo $LC_ALL >&2; exit 3 exited with code 3: C"));

    QElapsedTimer t;
    t.start();
    r = runCommand({"sleep", "20"}, 200);
    QVERIFY(r.timedOut && !r.ok());
    QVERIFY(t.elapsed() < 3000);
    QCOMPARE(r.describe({"sleep", "20"}), QString("sleep 20 timed out"));

    r = runCommand({"/nonexistent/lvm-command"}, 1000);
    QVERIFY(!r.started && !r.ok());
    QVERIFY2(r.describe({"/nonexistent/lvm-command"}).startsWith("/nonexistent/lvm-command could not be run"),
             qPrintable(r.describe({"/nonexistent/lvm-command"})));

    // Destroying the runner kills what still runs, without calling back.
    bool called = false;
    {
        ProcessCommandRunner shortLived;
        shortLived.run({"sleep", "20"}, 0, [&called](const Command&) { called = true; });
        QTest::qWait(50);
    }
    QTest::qWait(50);
    QVERIFY(!called);
}

// A VG created as server2's on a loop device, taken over and activated by
// server1's driver, then deactivated. Needs root, device-mapper and LVM.
void TstVolmgrResource::realVolumeGroupOnLoopDevice() {
    if (::geteuid() != 0)
        QSKIP("needs root: creates a loop device and an LVM volume group");
    int rc = 0;
    testutil::run({"dmsetup", "version"}, {}, &rc);
    if (!QFileInfo::exists("/dev/mapper/control") || rc != 0)
        QSKIP("device-mapper is not available on this machine: LVM volumes cannot be activated");
    for (const char* tool : {"vgchange", "vgcreate", "lvcreate", "losetup"}) {
        if (QStandardPaths::findExecutable(tool, {"/usr/sbin", "/sbin", "/usr/bin"}).isEmpty())
            QSKIP(qPrintable(QString("%1 is not installed (lvm2, util-linux)").arg(tool)));
    }
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString image = dir.filePath("pv.img");
    QVERIFY(testutil::runAll({{"truncate", "-s", "64M", image}}).isEmpty());
    const QString loop = testutil::run({"losetup", "--find", "--show", image}).trimmed();
    QVERIFY2(loop.startsWith("/dev/loop"), "losetup failed");
    const QString vg = QString("llvolmgr%1").arg(::getpid());
    const QString cfg2 = VolmgrResource::lvmConfig("server2");
    struct Cleanup {
        QString vg, loop;
        ~Cleanup() {
            int ignored = 0;
            // whoever owns it by now
            testutil::run({"vgremove", "--config", cfg("server2"), "-ff", "-y", vg}, {}, &ignored);
            testutil::run({"pvremove", "-ff", "-y", loop}, {}, &ignored);
            testutil::run({"losetup", "-d", loop}, {}, &ignored);
        }
    } cleanup{vg, loop};
    QCOMPARE(testutil::runAll({{"vgcreate", "--config", cfg2, vg, loop},
                               {"lvcreate", "--config", cfg2, "-y", "-Zn", "-an", "-L", "8M", "-n", "lv0", vg}}),
             QString());

    auto d = driver(vg);
    ResourceContext context = d->context();
    d = std::make_unique<VolmgrResource>(context); // the real runner
    const Result r = activate(*d);
    QVERIFY2(r.finished && r.ok, qPrintable(r.reason));
    const QStringList lvActive{"lvs", "--config", cfg(), "--noheadings", "-o", "lv_active", vg + "/lv0"};
    QCOMPARE(testutil::run(lvActive).trimmed(), QString("active"));
    QCOMPARE(testutil::run({"vgs", "--config", cfg(), "--noheadings", "-o", "vg_systemid", vg}).trimmed(),
             QString("server1"));
    const Result off = deactivate(*d);
    QVERIFY2(off.finished && off.ok, qPrintable(off.reason));
    QCOMPARE(testutil::run(lvActive).trimmed(), QString());
}

QTEST_GUILESS_MAIN(TstVolmgrResource)
#include "tst_volmgr_resource.moc"
