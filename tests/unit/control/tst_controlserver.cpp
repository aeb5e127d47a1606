// ControlServer and ControlClient in one process: framing, errors, asynchronous
// handlers, many clients, clients that vanish, the socket file, and who may do what
// (clients forked off as unprivileged users).

#include "ControlClient.h"
#include "ControlServer.h"

#include <QDir>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QLocalSocket>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <QThread>
#include <QTimer>

#include <grp.h>
#include <pwd.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <functional>
#include <optional>

using namespace lifeline::control;

namespace {

constexpr int kWaitMs = 20000;

// Runs `f` in its own thread (the client blocks; the server needs this thread's
// event loop) and returns its result.
template <class F> auto inThread(F f) -> decltype(f()) {
    std::optional<decltype(f())> result;
    std::unique_ptr<QThread> thread(QThread::create([&] { result = f(); }));
    thread->start();
    QDeadlineTimer deadline(kWaitMs);
    while (!thread->isFinished() && !deadline.hasExpired())
        QCoreApplication::processEvents(QEventLoop::AllEvents, 10);
    if (!thread->wait(kWaitMs))
        qFatal("client thread hangs");
    return *result;
}

// A JSON line as a forked child sends it.
struct ChildResult {
    bool connected = false;
    QJsonObject response;
};

// Forks a child that drops to uid/gid/groups, connects to `path`, sends `line` and
// reads one response line. Only system calls run in the child.
ChildResult requestAs(const QString& path, uid_t uid, gid_t gid, const QList<gid_t>& groups,
                      const QByteArray& line) {
    const QByteArray encodedPath = QFile::encodeName(path);
    std::vector<gid_t> groupList(groups.begin(), groups.end());
    int pipeFds[2];
    if (pipe(pipeFds) != 0)
        qFatal("pipe");
    const pid_t pid = fork();
    if (pid == 0) {
        ::close(pipeFds[0]);
        if (setgroups(groupList.size(), groupList.data()) != 0 || setresgid(gid, gid, gid) != 0 ||
            setresuid(uid, uid, uid) != 0)
            _exit(10);
        const int fd = socket(AF_UNIX, SOCK_STREAM, 0);
        sockaddr_un addr{};
        addr.sun_family = AF_UNIX;
        memcpy(addr.sun_path, encodedPath.constData(),
               std::min<size_t>(encodedPath.size(), sizeof addr.sun_path - 1));
        if (fd < 0 || connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0)
            _exit(11);
        if (write(fd, line.constData(), line.size()) != line.size())
            _exit(12);
        char buffer[4096];
        for (;;) {
            const ssize_t n = read(fd, buffer, sizeof buffer);
            if (n <= 0)
                break;
            if (write(pipeFds[1], buffer, n) != n)
                _exit(13);
            if (memchr(buffer, '\n', n))
                break;
        }
        _exit(0);
    }
    ::close(pipeFds[1]);
    int status = 0;
    QDeadlineTimer deadline(kWaitMs);
    while (waitpid(pid, &status, WNOHANG) == 0) {
        if (deadline.hasExpired()) {
            kill(pid, SIGKILL);
            waitpid(pid, &status, 0);
            break;
        }
        QCoreApplication::processEvents(QEventLoop::AllEvents, 10);
    }
    QByteArray out;
    char buffer[4096];
    ssize_t n;
    while ((n = read(pipeFds[0], buffer, sizeof buffer)) > 0)
        out.append(buffer, n);
    ::close(pipeFds[0]);
    ChildResult result;
    result.connected = WIFEXITED(status) && WEXITSTATUS(status) == 0;
    result.response = QJsonDocument::fromJson(out.trimmed()).object();
    return result;
}

QByteArray requestLine(const QString& command, qint64 id = 7) {
    return encodeRequest(id, command, {});
}

QString errorCode(const QJsonObject& response) {
    return response.value("error").toObject().value("code").toString();
}
QString errorMessage(const QJsonObject& response) {
    return response.value("error").toObject().value("message").toString();
}

std::optional<gid_t> groupNamed(const char* name) {
    const group* g = getgrnam(name);
    return g ? std::optional<gid_t>(g->gr_gid) : std::nullopt;
}

} // namespace

class TestControlServer : public QObject {
    Q_OBJECT

    std::unique_ptr<QTemporaryDir> dir_;
    std::unique_ptr<ControlServer> server_;
    QString root_;
    QString path_;

    ControlReply call(const QString& command, const QJsonObject& args = {}) {
        const QString path = path_;
        return inThread([=] { return ControlClient(path).call(command, args, kWaitMs); });
    }
    ControlReply callRaw(const QByteArray& bytes) {
        const QString path = path_;
        return inThread([=] { return ControlClient(path).callRaw(bytes, kWaitMs); });
    }

private slots:
    void initTestCase() {
        signal(SIGPIPE, SIG_IGN); // a server closing on us must not kill the test
    }

    void init() {
        dir_ = std::make_unique<QTemporaryDir>();
        QVERIFY(dir_->isValid());
        root_ = dir_->path() + "/node1";
        server_ = std::make_unique<ControlServer>();
        server_->registerCommand("echo", Access::Read,
                                 [](const Request& r, Responder out) { out.reply(r.args); });
        server_->registerCommand("change", Access::Write, [](const Request&, Responder out) {
            out.reply({{"changed", true}});
        });
        QString why;
        QVERIFY2(server_->listen(root_, &why), qPrintable(why));
        path_ = server_->socketPath();
        QCOMPARE(path_, root_ + "/run/lifeline/control.sock");
    }

    void cleanup() {
        server_.reset();
        dir_.reset();
    }

    void requestAndResponse() {
        const auto reply = call("echo", {{"a", 1}, {"b", "two"}});
        QVERIFY2(reply.ok(), qPrintable(reply.message));
        QCOMPARE(reply.result, (QJsonObject{{"a", 1}, {"b", "two"}}));
        QCOMPARE(reply.raw.value("version").toInt(), 1);
        QCOMPARE(reply.raw.value("id").toInt(), 1);
        QCOMPARE(reply.raw.value("ok").toBool(), true);
    }

    void severalRequestsOnOneConnection() {
        const QString path = path_;
        const auto ids = inThread([=] {
            ControlClient client(path);
            QList<int> got;
            for (int i = 0; i < 5; ++i) {
                const auto r = client.call("echo", {{"i", i}}, kWaitMs);
                got << (r.ok() ? r.result.value("i").toInt() : -1);
            }
            return got;
        });
        QCOMPARE(ids, (QList<int>{0, 1, 2, 3, 4}));
    }

    void rawResponseLayout() {
        const auto reply =
            callRaw("{\"version\":1,\"id\":42,\"command\":\"echo\",\"args\":{\"x\":[1,2]}}"
                    "\n");
        QVERIFY(reply.ok());
        QCOMPARE(QJsonDocument(reply.raw).toJson(QJsonDocument::Compact),
                 QByteArray("{\"id\":42,\"ok\":true,\"result\":{\"x\":[1,2]},\"version\":1}"));
        // CRLF and missing args are accepted.
        const auto crlf = callRaw("{\"version\":1,\"id\":3,\"command\":\"echo\"}"
                                  "\r\n");
        QVERIFY(crlf.ok());
        QCOMPARE(crlf.result, QJsonObject());
    }

    void asynchronousHandler() {
        server_->registerCommand("later", Access::Read, [](const Request& r, Responder out) {
            QTimer::singleShot(150, [out, r] { out.reply({{"done", r.args.value("n")}}); });
        });
        const auto reply = call("later", {{"n", 5}});
        QVERIFY2(reply.ok(), qPrintable(reply.message));
        QCOMPARE(reply.result.value("done").toInt(), 5);
    }

    void handlerError() {
        server_->registerCommand("fails", Access::Read, [](const Request&, Responder out) {
            out.fail("not-found", "no group named \"x\"");
            out.reply({{"ignored", true}}); // the first answer wins
        });
        const auto reply = call("fails");
        QCOMPARE(reply.status, ControlReply::Status::Error);
        QCOMPARE(reply.code, QString("not-found"));
        QCOMPARE(reply.message, QString("no group named \"x\""));
    }

    void droppedResponderAnswersInternal() {
        server_->registerCommand("forgets", Access::Read, [](const Request&, Responder) {});
        server_->registerCommand("throws", Access::Read, [](const Request&, Responder) {
            throw std::runtime_error("boom");
        });
        auto reply = call("forgets");
        QCOMPARE(reply.code, QString("internal"));
        reply = call("throws");
        QCOMPARE(reply.code, QString("internal"));
        QVERIFY(reply.message.contains("boom"));
    }

    void unknownCommand() {
        const auto reply = call("no.such.command");
        QCOMPARE(reply.status, ControlReply::Status::Error);
        QCOMPARE(reply.code, QString("unknown-command"));
        QCOMPARE(reply.message, QString("unknown command \"no.such.command\""));
        QCOMPARE(reply.raw.value("id").toInt(), 1);
    }

    void badJson() {
        for (const QByteArray& bad :
             {QByteArray("{not json\n"), QByteArray("[1,2,3]\n"), QByteArray("\"text\"\n")}) {
            const auto reply = callRaw(bad);
            QCOMPARE(reply.code, QString("bad-request"));
            QVERIFY(reply.raw.value("id").isNull());
        }
        const QList<QPair<QByteArray, QString>> cases{
            {"{\"version\":1,\"command\":\"echo\"}", "\"id\" must be an integer"},
            {"{\"version\":1,\"id\":1.5,\"command\":\"echo\"}", "\"id\" must be an integer"},
            {"{\"version\":1,\"id\":\"1\",\"command\":\"echo\"}", "\"id\" must be an integer"},
            {"{\"version\":1,\"id\":1}", "\"command\" must be a non-empty string"},
            {"{\"version\":1,\"id\":1,\"command\":\"echo\",\"args\":[1]}",
             "\"args\" must be an object"},
            {"{\"id\":1,\"command\":\"echo\"}", "the request has no \"version\""},
        };
        for (const auto& [line, message] : cases) {
            const auto reply = callRaw(line + "\n");
            QCOMPARE(reply.code, QString("bad-request"));
            QCOMPARE(reply.message, message);
        }
        // The connection survives a bad request.
        const QString path = path_;
        const auto after = inThread([=] {
            ControlClient client(path);
            client.callRaw("{oops\n", kWaitMs);
            return client.call("echo", {{"still", "here"}}, kWaitMs);
        });
        QVERIFY(after.ok());
    }

    void versionMismatch() {
        auto reply = callRaw("{\"version\":2,\"id\":5,\"command\":\"echo\"}"
                             "\n");
        QCOMPARE(reply.code, QString("version"));
        QCOMPARE(reply.raw.value("id").toInt(), 5);
        QCOMPARE(reply.message,
                 QString("unsupported protocol version 2; this lifelined speaks version 1"));
        reply = callRaw("{\"version\":\"1\",\"id\":5,\"command\":\"echo\"}"
                        "\n");
        QCOMPARE(reply.code, QString("version"));
    }

    void oversizeRequest() {
        // Just below the limit is fine...
        const qsizetype room = kMaxRequestBytes - 100;
        const auto fits = call("echo", {{"pad", QString(room, 'x')}});
        QVERIFY2(fits.ok(), qPrintable(fits.message));
        // ...beyond it the client gets an error and the connection is closed,
        // whether or not the line ever ends.
        for (const bool newline : {true, false}) {
            QByteArray huge = "{\"version\":1,\"id\":1,\"command\":\"echo\",\"args\":{\"pad\":\"";
            huge += QByteArray(kMaxRequestBytes + 10, 'x') + "\"}}";
            if (newline)
                huge += '\n';
            const auto reply = callRaw(huge);
            QCOMPARE(reply.code, QString("too-large"));
        }
        QTRY_COMPARE_WITH_TIMEOUT(server_->connectionCount(), 0, kWaitMs);
        QVERIFY(call("echo").ok()); // the server is fine
    }

    void concurrentClients() {
        std::atomic<int> inFlight{0};
        std::atomic<int> maxInFlight{0};
        server_->registerCommand("slow", Access::Read, [&](const Request& r, Responder out) {
            maxInFlight = std::max(maxInFlight.load(), ++inFlight);
            QTimer::singleShot(20 + r.args.value("n").toInt() % 30, [&, out, r] {
                --inFlight;
                out.reply({{"n", r.args.value("n")}});
            });
        });
        constexpr int kClients = 8;
        constexpr int kCalls = 15;
        std::atomic<int> good{0};
        std::vector<std::unique_ptr<QThread>> threads;
        const QString path = path_;
        for (int c = 0; c < kClients; ++c) {
            threads.emplace_back(QThread::create([&, c, path] {
                ControlClient client(path);
                for (int i = 0; i < kCalls; ++i) {
                    const int n = c * 100 + i;
                    const auto r = client.call("slow", {{"n", n}}, kWaitMs);
                    if (r.ok() && r.result.value("n").toInt() == n)
                        ++good;
                }
            }));
            threads.back()->start();
        }
        QTRY_VERIFY_WITH_TIMEOUT(std::all_of(threads.begin(), threads.end(),
                                             [](const auto& t) { return t->isFinished(); }),
                                 kWaitMs);
        for (auto& t : threads)
            t->wait();
        QCOMPARE(good.load(), kClients * kCalls);
        QVERIFY(maxInFlight.load() > 1); // they really overlapped
        QTRY_COMPARE_WITH_TIMEOUT(server_->connectionCount(), 0, kWaitMs);
    }

    void clientDisconnectsMidRequest() {
        std::optional<Responder> pending;
        server_->registerCommand("hold", Access::Read,
                                 [&](const Request&, Responder out) { pending = out; });
        const QString path = path_;
        inThread([=] {
            QLocalSocket socket;
            socket.connectToServer(path);
            socket.waitForConnected(kWaitMs);
            socket.write(requestLine("hold"));
            socket.waitForBytesWritten(kWaitMs);
            socket.abort();
            return 0;
        });
        QTRY_VERIFY_WITH_TIMEOUT(pending.has_value(), kWaitMs);
        QTRY_COMPARE_WITH_TIMEOUT(server_->connectionCount(), 0, kWaitMs);
        QVERIFY(!pending->clientConnected());
        pending->reply({{"too", "late"}}); // dropped, no crash
        QVERIFY(pending->answered());
        pending.reset();

        // Half a request, then gone.
        inThread([=] {
            QLocalSocket socket;
            socket.connectToServer(path);
            socket.waitForConnected(kWaitMs);
            socket.write("{\"version\":1,\"id\":1,\"comm");
            socket.waitForBytesWritten(kWaitMs);
            socket.disconnectFromServer();
            return 0;
        });
        QTRY_COMPARE_WITH_TIMEOUT(server_->connectionCount(), 0, kWaitMs);
        QVERIFY(call("echo").ok());
    }

    void serverClosesWithRequestsPending() {
        std::optional<Responder> pending;
        server_->registerCommand("hold", Access::Read,
                                 [&](const Request&, Responder out) { pending = out; });
        const QString path = path_;
        std::unique_ptr<QThread> client(
            QThread::create([path] { ControlClient(path).call("hold", {}, kWaitMs); }));
        client->start();
        QTRY_VERIFY_WITH_TIMEOUT(pending.has_value(), kWaitMs);
        server_.reset();
        QTRY_VERIFY_WITH_TIMEOUT(client->isFinished(), kWaitMs);
        client->wait();
        pending->reply({});                 // the connection is gone: no crash
        QVERIFY(!QFileInfo::exists(path_)); // the socket file is removed
    }

    void socketFile() {
        struct stat st {};
        QCOMPARE(::lstat(QFile::encodeName(path_).constData(), &st), 0);
        QVERIFY(S_ISSOCK(st.st_mode));
        QCOMPARE(st.st_mode & 0777, mode_t(0660));
        if (const auto gid = groupNamed("lifeline"))
            QCOMPARE(st.st_gid, *gid);
        else
            QCOMPARE(st.st_gid, getegid());
        QCOMPARE(::stat(QFile::encodeName(root_ + "/run/lifeline").constData(), &st), 0);
        QCOMPARE(st.st_mode & 0777, mode_t(0755));
    }

    void staleSocketIsReplaced() {
        // A socket file nobody listens on (a daemon that crashed).
        server_.reset();
        const int fd = socket(AF_UNIX, SOCK_STREAM, 0);
        sockaddr_un addr{};
        addr.sun_family = AF_UNIX;
        const QByteArray p = QFile::encodeName(path_);
        memcpy(addr.sun_path, p.constData(), p.size());
        QCOMPARE(bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
        ::close(fd);
        QVERIFY(QFileInfo::exists(path_));
        server_ = std::make_unique<ControlServer>();
        server_->registerCommand("echo", Access::Read,
                                 [](const Request& r, Responder out) { out.reply(r.args); });
        QString why;
        QVERIFY2(server_->listen(root_, &why), qPrintable(why));
        QVERIFY(call("echo").ok());
    }

    void liveSocketIsNotStolen() {
        ControlServer second;
        QString why;
        QVERIFY(!second.listen(root_, &why));
        QCOMPARE(why, "another lifelined is already listening on " + path_);
        QVERIFY(call("echo").ok());
    }

    void otherFileIsNotRemoved() {
        server_.reset();
        QFile f(path_);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.close();
        ControlServer server;
        QString why;
        QVERIFY(!server.listen(root_, &why));
        QCOMPARE(why, path_ + " exists and is not a socket; not removing it");
        QVERIFY(QFileInfo::exists(path_));
    }

    void noDaemon() {
        server_.reset();
        const QString path = path_;
        const auto reply = inThread([=] { return ControlClient(path).call("echo", {}, 2000); });
        QCOMPARE(reply.status, ControlReply::Status::Transport);
        QCOMPARE(reply.code, QString("connect"));
        QCOMPARE(reply.message, "could not connect to lifelined at " + path +
                                    ": is the Lifeline service running?");
    }

    // --- access control: clients forked off as other users ---------------------------

    void accessRules_data() {
        QTest::addColumn<QString>("group");     // the server's operators' group
        QTest::addColumn<uint>("gid");          // the client's primary group
        QTest::addColumn<QList<uint>>("extra"); // the client's supplementary groups
        QTest::addColumn<bool>("mayRead");
        const passwd* nobody = getpwnam("nobody");
        if (!nobody)
            return;
        const uint nogroup = nobody->pw_gid;
        const group* daemonGroup = getgrnam("daemon");
        const uint daemonGid = daemonGroup ? daemonGroup->gr_gid : 1;
        // The group name is injectable, so membership is tested with groups that
        // exist on every Debian system; no system group is created for the test.
        QTest::newRow("no operators' group on the system")
            << "lifeline-test-no-such-group" << nogroup << QList<uint>{} << false;
        QTest::newRow("not a member") << "daemon" << nogroup << QList<uint>{} << false;
        QTest::newRow("member by primary group")
            << QString::fromLocal8Bit(getgrgid(nogroup)->gr_name) << nogroup << QList<uint>{}
            << true;
        QTest::newRow("member by supplementary group")
            << "daemon" << nogroup << QList<uint>{daemonGid} << true;
    }

    void accessRules() {
        QFETCH(QString, group);
        QFETCH(uint, gid);
        QFETCH(QList<uint>, extra);
        QFETCH(bool, mayRead);
        const passwd* nobody = getpwnam("nobody");
        if (!nobody)
            QSKIP("there is no user nobody");
        if (geteuid() != 0)
            QSKIP("needs root to fork clients as other users");

        server_.reset();
        server_ = std::make_unique<ControlServer>();
        server_->setAccessControl(AccessControl(group));
        server_->registerCommand("status", Access::Read, [](const Request&, Responder out) {
            out.reply({{"ok", 1}});
        });
        server_->registerCommand("cluster.stop", Access::Write,
                                 [](const Request&, Responder out) { out.reply({}); });
        QString why;
        QVERIFY2(server_->listen(root_, &why), qPrintable(why));
        // Let the unprivileged child reach the socket so the protocol decides, not
        // the file mode (production: 0660 root:lifeline).
        for (QString d = root_; d.startsWith(dir_->path()); d = QFileInfo(d).path())
            QCOMPARE(::chmod(QFile::encodeName(d).constData(), 0755), 0);
        QCOMPARE(::chmod(QFile::encodeName(path_).constData(), 0666), 0);

        QList<gid_t> groups;
        for (uint g : extra)
            groups << gid_t(g);
        const uid_t uid = nobody->pw_uid;

        auto read = requestAs(path_, uid, gid, groups, requestLine("status", 11));
        QVERIFY(read.connected);
        QCOMPARE(read.response.value("id").toInt(), 11);
        if (mayRead) {
            QVERIFY2(read.response.value("ok").toBool(),
                     QJsonDocument(read.response).toJson().constData());
            QCOMPARE(read.response.value("result").toObject().value("ok").toInt(), 1);
        } else {
            QCOMPARE(errorCode(read.response), QString("permission"));
            QCOMPARE(errorMessage(read.response),
                     "Permission denied: only root and members of group " + group +
                         " may use the Lifeline control API.");
        }

        auto write = requestAs(path_, uid, gid, groups, requestLine("cluster.stop", 12));
        QVERIFY(write.connected);
        QCOMPARE(errorCode(write.response), QString("permission"));
        if (mayRead)
            QCOMPARE(errorMessage(write.response),
                     QString("Permission denied: changing the cluster requires root."));

        // Unknown commands are no way to probe the API without permission.
        auto unknown = requestAs(path_, uid, gid, groups, requestLine("no.such", 13));
        QCOMPARE(errorCode(unknown.response),
                 mayRead ? QString("unknown-command") : QString("permission"));
    }

    void memberListedInEtcGroup() {
        // getgrouplist(): a user listed as a member in /etc/group, connecting with
        // only its primary group, still counts as a member.
        if (geteuid() != 0)
            QSKIP("needs root to fork clients as other users");
        QString groupName;
        uid_t uid = 0;
        gid_t primary = 0;
        setgrent();
        while (const group* g = getgrent()) {
            for (char** m = g->gr_mem; m && *m && groupName.isEmpty(); ++m) {
                const passwd* pw = getpwnam(*m);
                if (pw && pw->pw_uid != 0 && pw->pw_gid != g->gr_gid) {
                    groupName = QString::fromLocal8Bit(g->gr_name);
                    uid = pw->pw_uid;
                    primary = pw->pw_gid;
                }
            }
            if (!groupName.isEmpty())
                break;
        }
        endgrent();
        if (groupName.isEmpty())
            QSKIP("no non-root user is listed as a secondary member of a group in /etc/group");

        server_.reset();
        server_ = std::make_unique<ControlServer>();
        server_->setAccessControl(AccessControl(groupName));
        server_->registerCommand("status", Access::Read,
                                 [](const Request&, Responder out) { out.reply({}); });
        QString why;
        QVERIFY2(server_->listen(root_, &why), qPrintable(why));
        for (QString d = root_; d.startsWith(dir_->path()); d = QFileInfo(d).path())
            QCOMPARE(::chmod(QFile::encodeName(d).constData(), 0755), 0);
        QCOMPARE(::chmod(QFile::encodeName(path_).constData(), 0666), 0);
        const auto r = requestAs(path_, uid, primary, {}, requestLine("status"));
        QVERIFY(r.connected);
        QVERIFY2(r.response.value("ok").toBool(), QJsonDocument(r.response).toJson().constData());
    }

    void rootMayWrite() {
        const auto reply = call("change");
        QVERIFY2(reply.ok(), qPrintable(reply.message));
        QCOMPARE(reply.result.value("changed").toBool(), true);
    }

    void socketModeKeepsOthersOut() {
        // With the production mode (0660, owner root), a user outside the group
        // cannot even connect.
        if (geteuid() != 0)
            QSKIP("needs root");
        const passwd* nobody = getpwnam("nobody");
        if (!nobody)
            QSKIP("there is no user nobody");
        for (QString d = root_; d.startsWith(dir_->path()); d = QFileInfo(d).path())
            QCOMPARE(::chmod(QFile::encodeName(d).constData(), 0755), 0);
        const auto r = requestAs(path_, nobody->pw_uid, nobody->pw_gid, {}, requestLine("status"));
        QVERIFY(!r.connected);
    }
};

QTEST_GUILESS_MAIN(TestControlServer)
#include "tst_controlserver.moc"
