// The real clpstat and clpcl binaries against a fake lifelined (a ControlServer
// with canned handlers in a temporary --root): output, exit codes, the requests
// they send; plus clpcl's argument rules and outcome wording on their own.

#include "ClpclCommand.h"
#include "ControlServer.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>

#include <grp.h>
#include <pwd.h>
#include <sys/stat.h>
#include <unistd.h>

#include <optional>

using namespace lifeline;
using namespace lifeline::control;
using lifeline::cli::ClpclCommand;

namespace {

const QString kData = LIFELINE_SOURCE_DIR "/tests/golden/cli/data/";
const QString kSamples = LIFELINE_SHARED_DIR "/clpconf-samples/clpstat-output/";
constexpr int kWaitMs = 60000;

QByteArray readFile(const QString& path) {
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

QJsonObject readJson(const QString& path) {
    return QJsonDocument::fromJson(readFile(path)).object();
}

QByteArray sampleBody(const QString& file) {
    QByteArray bytes = readFile(kSamples + file);
    bytes.replace("\r\n", "\n");
    return bytes.mid(bytes.indexOf('\n') + 1);
}

struct Run {
    int exitCode = -1;
    QByteArray out;
    QByteArray err;
};

} // namespace

class TestCliCommands : public QObject {
    Q_OBJECT

    std::unique_ptr<QTemporaryDir> dir_;
    std::unique_ptr<ControlServer> server_;
    QString root_;
    QJsonObject status_;
    QList<Request> requests_; // what the commands sent
    // The answer of the cluster.* commands (set per test).
    std::function<void(const Request&, Responder)> clusterHandler_;

    void startServer(const QString& group = QStringLiteral("lifeline")) {
        server_ = std::make_unique<ControlServer>();
        server_->setAccessControl(AccessControl(group));
        server_->registerCommand("status", Access::Read, [this](const Request& r, Responder out) {
            requests_ << r;
            out.reply(status_);
        });
        server_->registerCommand("config", Access::Read, [this](const Request& r, Responder out) {
            requests_ << r;
            out.reply({{"xml", QString::fromUtf8(readFile(kData + "tools/clp.conf"))},
                       {"hash", "2222"},
                       {"generation", 4}});
        });
        for (const char* name : {"cluster.start", "cluster.stop", "cluster.restart",
                                 "cluster.suspend", "cluster.resume"})
            server_->registerCommand(name, Access::Write, [this](const Request& r, Responder out) {
                requests_ << r;
                clusterHandler_(r, out);
            });
        for (const char* name : {"group.start", "group.stop", "group.move", "group.clear",
                                 "resource.start", "resource.stop"})
            server_->registerCommand(name, Access::Write, [this](const Request& r, Responder out) {
                requests_ << r;
                // A group or resource named "busy" is refused, as the leader does.
                if (r.args.value("group").toString() == "busy" || r.args.value("resource").toString() == "busy")
                    out.fail("failed", "the group is busy");
                else
                    out.reply({{"message", "done"}});
            });
        QString why;
        QVERIFY2(server_->listen(root_, &why), qPrintable(why));
    }

    Run run(const QString& program, const QStringList& args, bool withRoot = true,
            const QProcessEnvironment& env = QProcessEnvironment::systemEnvironment(),
            std::function<void()> childModifier = {}) {
        QProcess process;
        QProcessEnvironment environment = env;
        if (withRoot)
            environment.remove("LIFELINE_ROOT");
        process.setProcessEnvironment(environment);
        process.setProgram(program);
        process.setArguments(withRoot ? QStringList{"--root", root_} + args : args);
        if (childModifier)
            process.setChildProcessModifier(childModifier);
        bool finished = false;
        connect(&process, &QProcess::finished, this, [&] { finished = true; });
        process.start();
        // The fake daemon lives in this thread: keep its event loop turning.
        QDeadlineTimer deadline(kWaitMs);
        while (!finished && !deadline.hasExpired())
            QCoreApplication::processEvents(QEventLoop::AllEvents, 10);
        Run r;
        if (!finished) {
            process.kill();
            process.waitForFinished();
            return r;
        }
        r.exitCode = process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -1;
        r.out = process.readAllStandardOutput();
        r.err = process.readAllStandardError();
        return r;
    }
    Run clpstat(const QStringList& args) { return run(CLPSTAT_BIN, args); }
    Run clpcl(const QStringList& args) { return run(CLPCL_BIN, args); }
    Run clpgrp(const QStringList& args) { return run(CLPGRP_BIN, args); }
    Run clprsc(const QStringList& args) { return run(CLPRSC_BIN, args); }

    static void allOk(const Request& r, Responder out) {
        QJsonObject servers;
        if (r.args.value("all").toBool())
            servers = {{"server1", QJsonObject{{"ok", true}}},
                       {"server2", QJsonObject{{"ok", true}}}};
        else
            servers = {{"server1", QJsonObject{{"ok", true}}}};
        out.reply({{"servers", servers}});
    }

private slots:
    void init() {
        dir_ = std::make_unique<QTemporaryDir>();
        QVERIFY(dir_->isValid());
        root_ = dir_->path() + "/node1";
        status_ = readJson(kData + "podman-mariadb/status-1.json");
        QVERIFY(!status_.isEmpty());
        requests_.clear();
        clusterHandler_ = allOk;
        startServer();
    }

    void cleanup() {
        server_.reset();
        dir_.reset();
    }

    // --- clpstat -----------------------------------------------------------------------

    void clpstatDefaultView() {
        const auto r = clpstat({});
        QCOMPARE(r.exitCode, 0);
        QCOMPARE(r.err, QByteArray());
        if (QFile::exists(kSamples))
            QCOMPARE(r.out, sampleBody("clpstat-podman-mariadb-1.txt"));
        QVERIFY(r.out.startsWith(" ========================  CLUSTER STATUS"));
        QCOMPARE(requests_.size(), 1);
        QCOMPARE(requests_[0].command, QString("status"));
        QCOMPARE(requests_[0].args, QJsonObject());
    }

    void clpstatLocal() {
        const auto r = clpstat({"--local", "-n"});
        QCOMPARE(r.exitCode, 0);
        QCOMPARE(requests_.size(), 1);
        QCOMPARE(requests_[0].args, (QJsonObject{{"local", true}}));
        QVERIFY(!r.out.contains("<group>"));
    }

    void clpstatJsonPassesThrough() {
        const auto r = clpstat({"--json"});
        QCOMPARE(r.exitCode, 0);
        QCOMPARE(r.out, QJsonDocument(status_).toJson(QJsonDocument::Indented));
        QCOMPARE(QJsonDocument::fromJson(r.out).object(), status_);
    }

    void clpstatInformationViewFetchesConfig() {
        status_ = readJson(kData + "tools/status.json");
        const auto r = clpstat({"--mon", "userw"});
        QCOMPARE(r.exitCode, 0);
        QCOMPARE(r.err, QByteArray());
        if (QFile::exists(kSamples))
            QCOMPARE(r.out, sampleBody("clpstat-mon-userw-tools.txt"));
        QCOMPARE(requests_.size(), 2);
        QCOMPARE(requests_[1].command, QString("config"));
    }

    void clpstatUnknownName() {
        const auto r = clpstat({"--hb", "nosuch"});
        QCOMPARE(r.exitCode, 1);
        QCOMPARE(r.out, QByteArray());
        QCOMPARE(r.err, QByteArray("clpstat: no heartbeat resource named \"nosuch\"\n"));
    }

    void clpstatRootFromEnvironment() {
        auto env = QProcessEnvironment::systemEnvironment();
        env.insert("LIFELINE_ROOT", root_);
        const auto r = run(CLPSTAT_BIN, {"-m"}, false, env);
        QCOMPARE(r.exitCode, 0);
        QVERIFY(r.out.contains("  <monitor>\n"));
    }

    void clpstatNoDaemon() {
        server_.reset();
        const auto r = clpstat({});
        QCOMPARE(r.exitCode, 2);
        QCOMPARE(r.out, QByteArray());
        QCOMPARE(QString::fromUtf8(r.err), "could not connect to lifelined at " + root_ +
                                               "/run/lifeline/control.sock: is the Lifeline "
                                               "service running?\n");
    }

    void clpstatDaemonError() {
        server_->registerCommand("status", Access::Read, [](const Request&, Responder out) {
            out.fail("unavailable", "the cluster service is starting");
        });
        const auto r = clpstat({});
        QCOMPARE(r.exitCode, 1);
        QCOMPARE(r.err, QByteArray("the cluster service is starting\n"));
    }

    void clpstatTimeout() {
        std::optional<Responder> held;
        server_->registerCommand("status", Access::Read,
                                 [&](const Request&, Responder out) { held = out; });
        const auto r = clpstat({"--timeout", "0.5"});
        QCOMPARE(r.exitCode, 2);
        QCOMPARE(r.err, QByteArray("lifelined did not answer within 500 ms\n"));
    }

    void clpstatUsage() {
        for (const QStringList& args :
             {QStringList{"--bogus"}, QStringList{"--hb", "--np"}, QStringList{"-n", "-g", "x"},
              QStringList{"--detail"}, QStringList{"--cl", "x"}}) {
            const auto r = clpstat(args);
            QCOMPARE(r.exitCode, 3);
            QVERIFY2(r.err.startsWith("clpstat: "), r.err.constData());
            QVERIFY(r.err.contains("Try 'clpstat --help'"));
        }
        QVERIFY(requests_.isEmpty());
        const auto help = clpstat({"--help"});
        QCOMPARE(help.exitCode, 0);
        QVERIFY(help.out.contains("--long"));
    }

    // --- clpcl --------------------------------------------------------------------------

    // --- clpgrp / clprsc ----------------------------------------------------------------

    void groupRequests_data() {
        QTest::addColumn<bool>("resource");
        QTest::addColumn<QStringList>("args");
        QTest::addColumn<QString>("command");
        QTest::addColumn<QJsonObject>("sent");
        QTest::newRow("-s") << false << QStringList{"-s", "failover1"} << "group.start"
                            << QJsonObject{{"group", "failover1"}};
        QTest::newRow("-s -h") << false << QStringList{"-s", "failover1", "-h", "server2"} << "group.start"
                               << QJsonObject{{"group", "failover1"}, {"server", "server2"}};
        QTest::newRow("-t") << false << QStringList{"-t", "failover1"} << "group.stop"
                            << QJsonObject{{"group", "failover1"}};
        QTest::newRow("-m -h") << false << QStringList{"-m", "failover1", "-h", "server2"} << "group.move"
                               << QJsonObject{{"group", "failover1"}, {"server", "server2"}};
        QTest::newRow("-m") << false << QStringList{"-m", "failover1"} << "group.move"
                            << QJsonObject{{"group", "failover1"}};
        QTest::newRow("-c") << false << QStringList{"-c", "failover1"} << "group.clear"
                            << QJsonObject{{"group", "failover1"}};
        QTest::newRow("clprsc -s -h") << true << QStringList{"-s", "fip1", "-h", "server2"} << "resource.start"
                                      << QJsonObject{{"resource", "fip1"}, {"server", "server2"}};
        QTest::newRow("clprsc -t") << true << QStringList{"-t", "fip1"} << "resource.stop"
                                   << QJsonObject{{"resource", "fip1"}};
    }

    void groupRequests() {
        QFETCH(bool, resource);
        QFETCH(QStringList, args);
        QFETCH(QString, command);
        QFETCH(QJsonObject, sent);
        const auto r = resource ? clprsc(args) : clpgrp(args);
        QCOMPARE(r.exitCode, 0);
        QCOMPARE(r.out, QByteArray("Command succeeded.\n"));
        QCOMPARE(requests_.size(), 1);
        QCOMPARE(requests_[0].command, command);
        QCOMPARE(requests_[0].args, sent);
    }

    void clpgrpEveryGroupFollowsTheStatus() {
        // -t without a group stops what is active here (server1 holds failover1).
        auto r = clpgrp({"-t"});
        QCOMPARE(r.exitCode, 0);
        QCOMPARE(requests_.size(), 2);
        QCOMPARE(requests_[0].command, QString("status"));
        QCOMPARE(requests_[1].command, QString("group.stop"));
        QCOMPARE(requests_[1].args, (QJsonObject{{"group", "failover1"}}));
        // ... and -s starts what is offline: nothing here.
        requests_.clear();
        r = clpgrp({"-s"});
        QCOMPARE(r.exitCode, 0);
        QCOMPARE(requests_.size(), 1);
    }

    void clpgrpPrintsTheCurrentServer() {
        auto r = clpgrp({"-n", "failover1"});
        QCOMPARE(r.exitCode, 0);
        QCOMPARE(r.out, QByteArray("server1\n"));
        r = clpgrp({"-n", "nosuch"});
        QCOMPARE(r.exitCode, 1);
        QVERIFY(r.err.contains("no group named \"nosuch\""));
    }

    void clpgrpRefusedAndUsage() {
        auto r = clpgrp({"-m", "busy", "-h", "server2"});
        QCOMPARE(r.exitCode, 1);
        QCOMPARE(r.err, QByteArray("busy: the group is busy\nCommand failed.\n"));
        r = clpgrp({"-m", "busy", "--json"});
        QCOMPARE(r.exitCode, 1);
        QVERIFY(QJsonDocument::fromJson(r.out).object().value("results").toArray().size() == 1);
        for (const auto& bad : {QStringList{}, QStringList{"-s", "-t"}, QStringList{"-m"}, QStringList{"-n"}}) {
            r = clpgrp(bad);
            QCOMPARE(r.exitCode, 3);
        }
        QCOMPARE(clprsc({"-s"}).exitCode, 3);
        QCOMPARE(clprsc({"-s", "-t", "fip1"}).exitCode, 3);
    }

    void clpclStartLocal() {
        const auto r = clpcl({"-s"});
        QCOMPARE(r.exitCode, 0);
        QCOMPARE(r.out, QByteArray("Command succeeded.\n"));
        QCOMPARE(r.err, QByteArray());
        QCOMPARE(requests_.size(), 1);
        QCOMPARE(requests_[0].command, QString("cluster.start"));
        QCOMPARE(requests_[0].args, QJsonObject());
    }

    void clpclRequests_data() {
        QTest::addColumn<QStringList>("args");
        QTest::addColumn<QString>("command");
        QTest::addColumn<QJsonObject>("sent");
        QTest::newRow("-t -a") << QStringList{"-t", "-a"} << "cluster.stop"
                               << QJsonObject{{"all", true}};
        QTest::newRow("-r -h server2") << QStringList{"-r", "-h", "server2"} << "cluster.restart"
                                       << QJsonObject{{"servers", QJsonArray{"server2"}}};
        QTest::newRow("--suspend")
            << QStringList{"--suspend"} << "cluster.suspend" << QJsonObject{};
        QTest::newRow("--resume --force") << QStringList{"--resume", "--force"} << "cluster.resume"
                                          << QJsonObject{{"force", true}};
    }

    void clpclRequests() {
        QFETCH(QStringList, args);
        QFETCH(QString, command);
        QFETCH(QJsonObject, sent);
        const auto r = clpcl(args);
        QCOMPARE(r.exitCode, 0);
        QCOMPARE(r.out, QByteArray("Command succeeded.\n"));
        QCOMPARE(requests_.size(), 1);
        QCOMPARE(requests_[0].command, command);
        QCOMPARE(requests_[0].args, sent);
    }

    void clpclPartialFailure() {
        clusterHandler_ = [](const Request&, Responder out) {
            // Answered later, as lifelined does after asking the other servers.
            QTimer::singleShot(200, [out] {
                out.reply({{"servers",
                            QJsonObject{{"server1", QJsonObject{{"ok", true}}},
                                        {"server2", QJsonObject{{"ok", false},
                                                                {"message", "no answer from "
                                                                            "server2 within 30 "
                                                                            "s"}}},
                                        {"server3", QJsonObject{{"ok", false}}}}}});
            });
        };
        const auto r = clpcl({"-t", "-a"});
        QCOMPARE(r.exitCode, 1);
        QCOMPARE(r.out, QByteArray());
        QCOMPARE(r.err, QByteArray("server2: no answer from server2 within 30 s\n"
                                   "server3: failed\n"
                                   "Command failed.\n"));
    }

    void clpclJson() {
        const auto r = clpcl({"-s", "-a", "--json"});
        QCOMPARE(r.exitCode, 0);
        const QJsonObject answer = QJsonDocument::fromJson(r.out).object();
        QCOMPARE(answer.value("ok").toBool(), true);
        QCOMPARE(answer.value("result").toObject().value("servers").toObject().size(), 2);
    }

    void clpclDaemonRefuses() {
        clusterHandler_ = [](const Request&, Responder out) {
            out.fail("not-found", "no server named \"server9\" in the cluster");
        };
        const auto r = clpcl({"-s", "-h", "server9"});
        QCOMPARE(r.exitCode, 1);
        QCOMPARE(r.err,
                 QByteArray("no server named \"server9\" in the cluster\nCommand failed.\n"));
    }

    void clpclNoDaemon() {
        server_.reset();
        const auto r = clpcl({"-s", "-a"});
        QCOMPARE(r.exitCode, 2);
        QCOMPARE(r.out, QByteArray());
        QCOMPARE(QString::fromUtf8(r.err), "could not connect to lifelined at " + root_ +
                                               "/run/lifeline/control.sock: is the Lifeline "
                                               "service running?\n");
    }

    void clpclUsage() {
        for (const QStringList& args :
             {QStringList{}, QStringList{"-s", "-t"}, QStringList{"-s", "-a", "-h", "server1"},
              QStringList{"-s", "--force"}, QStringList{"--suspend", "-a"},
              QStringList{"-s", "extra"}, QStringList{"-h"}}) {
            const auto r = clpcl(args);
            QCOMPARE(r.exitCode, 3);
            QVERIFY2(r.err.startsWith("clpcl: "), r.err.constData());
        }
        QVERIFY(requests_.isEmpty());
    }

    void operatorMayReadButNotChange() {
        // A member of the operators' group (here: nobody's own group) gets the
        // status and the exact refusal for a change.
        if (geteuid() != 0)
            QSKIP("needs root to run the commands as another user");
        const passwd* nobody = getpwnam("nobody");
        if (!nobody)
            QSKIP("there is no user nobody");
        const uid_t uid = nobody->pw_uid;
        const gid_t gid = nobody->pw_gid;
        server_.reset();
        startServer(QString::fromLocal8Bit(getgrgid(gid)->gr_name));
        for (QString d = root_; d.startsWith(dir_->path()); d = QFileInfo(d).path())
            QCOMPARE(::chmod(QFile::encodeName(d).constData(), 0755), 0);
        const auto asNobody = [uid, gid] {
            if (setgroups(0, nullptr) != 0 || setresgid(gid, gid, gid) != 0 ||
                setresuid(uid, uid, uid) != 0)
                _exit(99);
        };
        const auto env = QProcessEnvironment::systemEnvironment();
        const auto stat = run(CLPSTAT_BIN, {"-n"}, true, env, asNobody);
        QCOMPARE(stat.exitCode, 0);
        QVERIFY(stat.out.contains("<server>"));
        const auto change = run(CLPCL_BIN, {"-t", "-a"}, true, env, asNobody);
        QCOMPARE(change.exitCode, 1);
        QCOMPARE(change.err, QByteArray("Permission denied: changing the cluster requires root.\n"
                                        "Command failed.\n"));
        QCOMPARE(requests_.size(), 1); // only the status reached a handler
    }

    // --- clpcl's parts on their own -----------------------------------------------------

    void outcomeWording() {
        ControlReply transport;
        transport.status = ControlReply::Status::Transport;
        transport.message = "could not connect";
        auto o = ClpclCommand::outcome(transport, false);
        QCOMPARE(o.exitCode, 2);
        QCOMPARE(o.err, QString("could not connect\n"));

        ControlReply ok;
        ok.status = ControlReply::Status::Ok;
        ok.result = {{"servers", QJsonObject{}}};
        o = ClpclCommand::outcome(ok, false);
        QCOMPARE(o.exitCode, 0);
        QCOMPARE(o.out, QString("Command succeeded.\n"));
    }
};

QTEST_GUILESS_MAIN(TestCliCommands)
#include "tst_clicommands.moc"
