// WebManager: password hashes, sessions, CSRF and the login limit, the router's answers
// (envelope, status codes, mapping to control commands) with a fake lifelined, the
// OpenAPI document against the route table, the certificate store and the config model.

#include "ApiRouter.h"
#include "Authenticator.h"
#include "CertificateStore.h"
#include "LoginLimiter.h"
#include "PasswordCommand.h"
#include "PasswordHash.h"
#include "SessionStore.h"

#include "ConfigReader.h"
#include "ConfigWriter.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QSet>
#include <QTemporaryDir>
#include <QtTest>

#include <sys/stat.h>

using namespace lifeline;
using namespace lifeline::webmgr;

namespace {

constexpr int kFastIterations = 1000;

// Answers like lifelined would, and records what it was asked.
class FakeControl : public ControlBackend {
public:
    struct Asked {
        QString command;
        QJsonObject args;
    };
    QList<Asked> asked;
    QJsonObject status;
    QHash<QString, control::ControlReply> replies; // by command; default: ok {}

    void call(const QString& command, const QJsonObject& args, int, Done done) override {
        asked << Asked{command, args};
        if (replies.contains(command)) {
            done(replies.value(command));
            return;
        }
        control::ControlReply r;
        r.status = control::ControlReply::Status::Ok;
        if (command == QLatin1String("status"))
            r.result = status;
        else if (command == QLatin1String("alerts"))
            r.result = {{"alerts", QJsonArray{QJsonObject{{"message", "hello"}}}}, {"stored", true}};
        else
            r.result = {{"message", "done"}};
        done(r);
    }
};

QJsonObject sampleStatus() {
    return QJsonDocument::fromJson(R"({
      "cluster": {"name": "cluster", "comment": "", "state": "Online", "timeoutRatio": 1.0, "leader": "server1"},
      "local": "server1",
      "servers": [{"name": "server1", "priority": 0, "comment": "", "state": "Online", "reason": "",
                   "heartbeats": [{"name": "lanhb1", "type": "lanhb", "comment": "", "state": "Normal"}], "np": []},
                  {"name": "server2", "priority": 1, "comment": "", "state": "Online", "reason": "",
                   "heartbeats": [], "np": []}],
      "groups": [{"name": "failover1", "comment": "", "state": "Online", "current": "server1",
                  "resources": [{"name": "fip1", "type": "fip", "comment": "", "state": "Online", "reason": ""}]}],
      "monitors": [{"name": "userw", "type": "userw", "comment": "", "state": "Normal", "detail": ""}],
      "heartbeatCounters": {}, "np": {"verdicts": []}, "config": {"hash": "ab", "generation": 0}})")
        .object();
}

struct Harness {
    qint64 now = 1000;
    FakeControl control;
    Authenticator auth;
    ApiRouter router;

    explicit Harness(QList<QPair<QHostAddress, int>> clients = {})
        : auth(settings(std::move(clients)), [this] { return now; }), router(auth, control) {
        control.status = sampleStatus();
    }
    static Authenticator::Settings settings(QList<QPair<QHostAddress, int>> clients) {
        Authenticator::Settings s;
        s.operatorHash = PasswordHash::make("op-secret", kFastIterations);
        s.referenceHash = PasswordHash::make("ref-secret", kFastIterations);
        s.clients = std::move(clients);
        s.sessionIdleMs = 60000;
        return s;
    }

    ApiResponse send(const QString& method, const QString& pathAndQuery, const QByteArray& body = {},
                     QHash<QByteArray, QByteArray> headers = {},
                     const QString& peer = QStringLiteral("198.18.0.100")) {
        ApiRequest request;
        request.method = method;
        const QUrl url(QStringLiteral("https://x") + pathAndQuery);
        request.path = url.path();
        request.query = QUrlQuery(url);
        request.headers = std::move(headers);
        request.body = body;
        request.peer = QHostAddress(peer);
        std::optional<ApiResponse> got;
        router.handle(request, [&](const ApiResponse& r) { got = r; });
        if (!got)
            qFatal("the router gave no answer to %s %s", qPrintable(method), qPrintable(pathAndQuery));
        return *got;
    }
    static QByteArray basic(const QByteArray& user, const QByteArray& password) {
        return "Basic " + (user + ':' + password).toBase64();
    }
    ApiResponse asOperator(const QString& method, const QString& path, const QByteArray& body = {}) {
        return send(method, path, body, {{"authorization", basic("operator", "op-secret")}});
    }
};

QJsonObject json(const ApiResponse& r) { return QJsonDocument::fromJson(r.body).object(); }
int code(const ApiResponse& r) { return json(r)["result"].toObject()["code"].toInt(-1); }
QString message(const ApiResponse& r) { return json(r)["result"].toObject()["message"].toString(); }
QByteArray header(const ApiResponse& r, const QByteArray& name) {
    for (const auto& [n, v] : r.headers)
        if (n.compare(name, Qt::CaseInsensitive) == 0)
            return v;
    return {};
}

} // namespace

class TestWebManager : public QObject {
    Q_OBJECT
private slots:
    void passwordHashRoundTrip() {
        const QString h = PasswordHash::make("correct horse", kFastIterations);
        QVERIFY(h.startsWith(QStringLiteral("pbkdf2-sha256$1000$")));
        QCOMPARE(h.split('$').size(), 4);
        QVERIFY(PasswordHash::verify("correct horse", h));
        QVERIFY(!PasswordHash::verify("correct horsE", h));
        QVERIFY(!PasswordHash::verify("", h));
        // A fresh salt each time: the same password gives another string.
        QVERIFY(PasswordHash::make("correct horse", kFastIterations) != h);
        QVERIFY(PasswordHash::checkFormat(h).isEmpty());
        QVERIFY(PasswordHash::make("x").contains(QStringLiteral("$%1$").arg(PasswordHash::kDefaultIterations)));
    }

    void passwordHashMalformed() {
        QString why;
        QVERIFY(!PasswordHash::verify("x", QStringLiteral("secret"), &why));
        QVERIFY2(why.contains(QStringLiteral("pbkdf2-sha256$iterations$salt$hash")), qPrintable(why));
        QVERIFY(!PasswordHash::verify("x", QStringLiteral("pbkdf2-sha256$10$AAAAAAAAAAA=$AAAA"), &why));
        QVERIFY2(why.contains(QStringLiteral("iteration count \"10\"")), qPrintable(why));
        QVERIFY(!PasswordHash::checkFormat(QStringLiteral("pbkdf2-sha256$1000$!!$AAAA")).isEmpty());
    }

    void sessionsExpireWhenIdle() {
        qint64 now = 0;
        SessionStore store(1000, [&] { return now; });
        const auto s = store.create(Role::Operator);
        QVERIFY(s.id.size() >= 40);
        QVERIFY(s.csrf != s.id);
        now = 900;
        QVERIFY(store.use(s.id)); // used: the idle time starts again
        now = 1800;
        QCOMPARE(store.use(s.id)->role, Role::Operator);
        now = 2800;
        QVERIFY(!store.use(s.id));
        QVERIFY(!store.use("forged"));
        QCOMPARE(store.size(), 0);
    }

    void sessionStoreIsBounded() {
        qint64 now = 0;
        SessionStore store(1000000, [&] { return now; });
        const auto first = store.create(Role::Reference);
        for (int i = 0; i < SessionStore::kMaxSessions; ++i) {
            ++now;
            store.create(Role::Reference);
        }
        QCOMPARE(store.size(), SessionStore::kMaxSessions);
        QVERIFY(!store.use(first.id)); // the least recently used went
    }

    void loginLimiterWindow() {
        qint64 now = 0;
        LoginLimiter limiter(5, 60000, [&] { return now; });
        for (int i = 1; i <= 5; ++i) {
            QVERIFY(!limiter.blocked("a"));
            QCOMPARE(limiter.fail("a"), i);
            now += 1000;
        }
        QVERIFY(limiter.blocked("a"));
        QVERIFY(!limiter.blocked("b"));
        QCOMPARE(limiter.retryAfterMs("a"), 55000);
        now = 60000; // the first failure left the window
        QVERIFY(!limiter.blocked("a"));
    }

    void clientList() {
        Harness h({QHostAddress::parseSubnet("198.18.0.0/24")});
        QVERIFY(h.auth.clientAllowed(QHostAddress("198.18.0.100")));
        QVERIFY(h.auth.clientAllowed(QHostAddress("::ffff:198.18.0.100")));
        QVERIFY(!h.auth.clientAllowed(QHostAddress("198.18.1.1")));
        const auto r = h.send("GET", "/api/v1/cluster", {}, {{"authorization", Harness::basic("operator", "op-secret")}},
                              "198.18.1.1");
        QCOMPARE(r.status, 403);
        QCOMPARE(code(r), 403);
        QVERIFY2(message(r).contains("198.18.1.1") && message(r).contains("clientlist"), qPrintable(message(r)));
        QVERIFY(h.control.asked.isEmpty());
    }

    void readsMapStatus() {
        Harness h;
        auto r = h.asOperator("GET", "/api/v1/cluster");
        QCOMPARE(r.status, 200);
        QCOMPARE(code(r), 0);
        QCOMPARE(message(r), ApiRouter::kOk);
        QCOMPARE(json(r)["cluster"].toObject()["status"].toString(), "Online");

        r = h.asOperator("GET", "/api/v1/servers?select=name");
        QCOMPARE(json(r)["servers"].toArray(),
                 (QJsonArray{QJsonObject{{"name", "server1"}}, QJsonObject{{"name", "server2"}}}));
        r = h.asOperator("GET", "/api/v1/servers");
        QCOMPARE(json(r)["servers"].toArray()[0].toObject()["heartbeats"].toArray()[0].toObject()["status"].toString(),
                 "Normal");

        r = h.asOperator("GET", "/api/v1/groups");
        const auto g = json(r)["groups"].toArray()[0].toObject();
        QCOMPARE(g["name"].toString(), "failover1");
        QCOMPARE(g["status"].toString(), "Online");
        QCOMPARE(g["current"].toString(), "server1");
        QVERIFY(!g.contains("resources"));
        r = h.asOperator("GET", "/api/v1/groups/failover1?select=resources");
        QCOMPARE(json(r)["groups"].toArray()[0].toObject()["resources"].toArray()[0].toObject()["name"].toString(), "fip1");

        r = h.asOperator("GET", "/api/v1/resources/fip1");
        QCOMPARE(json(r)["resources"].toArray()[0].toObject()["group"].toString(), "failover1");

        r = h.asOperator("GET", "/api/v1/monitors");
        const auto servers = json(r)["monitors"].toArray()[0].toObject()["servers"].toArray();
        QCOMPARE(servers.size(), 2);
        QCOMPARE(servers[0].toObject()["status"].toString(), "Normal");
        QCOMPARE(servers[1].toObject()["status"].toString(), "Unknown");

        r = h.asOperator("GET", "/api/v1/alerts?max=5&type=warning");
        QCOMPARE(json(r)["alerts"].toArray().size(), 1);
        QCOMPARE(h.control.asked.last().command, "alerts");
        QCOMPARE(h.control.asked.last().args, (QJsonObject{{"max", 5}, {"type", "warning"}}));
    }

    void unknownObjectsAre404() {
        Harness h;
        for (const char* path : {"/api/v1/groups/nope", "/api/v1/resources/nope", "/api/v1/servers/nope",
                                 "/api/v1/monitors/nope"}) {
            const auto r = h.asOperator("GET", path);
            QCOMPARE(r.status, 404);
            QCOMPARE(code(r), 404);
            QVERIFY2(message(r).contains("\"nope\""), qPrintable(message(r)));
        }
        auto r = h.asOperator("GET", "/api/v1/nothing");
        QCOMPARE(r.status, 404);
        QVERIFY(message(r).contains("/api/v1/nothing"));
        // A control error keeps its words and gets its status.
        control::ControlReply notFound;
        notFound.status = control::ControlReply::Status::Error;
        notFound.code = "not-found";
        notFound.message = "no group named \"g9\"";
        h.control.replies.insert("group.move", notFound);
        r = h.asOperator("POST", "/api/v1/groups/g9/move");
        QCOMPARE(r.status, 404);
        QCOMPARE(message(r), "no group named \"g9\"");
        control::ControlReply down;
        down.code = "connect";
        down.message = "could not connect to lifelined";
        h.control.replies.insert("status", down);
        r = h.asOperator("GET", "/api/v1/cluster");
        QCOMPARE(r.status, 503);
        QVERIFY(message(r).contains("could not connect to lifelined"));
    }

    void badRequests() {
        Harness h;
        auto r = h.asOperator("POST", "/api/v1/groups/failover1/move", "{\"target\": ");
        QCOMPARE(r.status, 400);
        QCOMPARE(code(r), 400);
        QVERIFY2(message(r).contains("not valid JSON"), qPrintable(message(r)));
        r = h.asOperator("POST", "/api/v1/groups/failover1/move", "[1]");
        QCOMPARE(r.status, 400);
        QVERIFY(message(r).contains("JSON object"));
        r = h.asOperator("GET", "/api/v1/servers?select=bogus");
        QCOMPARE(r.status, 400);
        r = h.asOperator("DELETE", "/api/v1/groups/failover1");
        QCOMPARE(r.status, 405);
        QCOMPARE(header(r, "Allow"), "GET");
        QVERIFY(message(r).contains("DELETE"));
        r = h.asOperator("GET", "/api/v1/groups/failover1/move");
        QCOMPARE(r.status, 405);
        QCOMPARE(header(r, "Allow"), "POST");
        r = h.asOperator("POST", "/api/v1/groups/failover1/move", QByteArray(ApiRouter::kMaxBodyBytes + 1, ' '));
        QCOMPARE(r.status, 413);
        QCOMPARE(code(r), 413);
        QVERIFY(message(r).contains(QString::number(ApiRouter::kMaxBodyBytes)));
        QVERIFY(h.control.asked.isEmpty());
    }

    void authentication() {
        Harness h;
        auto r = h.send("GET", "/api/v1/cluster");
        QCOMPARE(r.status, 401);
        QVERIFY(header(r, "WWW-Authenticate").startsWith("Basic"));
        r = h.send("GET", "/api/v1/cluster", {}, {{"x-requested-with", "lifeline"}});
        QCOMPARE(r.status, 401);
        QVERIFY(header(r, "WWW-Authenticate").isEmpty()); // no browser dialog for the console
        r = h.send("GET", "/api/v1/cluster", {}, {{"authorization", Harness::basic("operator", "wrong")}});
        QCOMPARE(r.status, 401);
        r = h.send("GET", "/api/v1/cluster", {}, {{"cookie", "lifeline_session=forged"}});
        QCOMPARE(r.status, 401);
        QVERIFY(message(r).contains("expired"));
        r = h.send("GET", "/api/v1/cluster", {}, {{"authorization", Harness::basic("reference", "ref-secret")}});
        QCOMPARE(r.status, 200);
        // Nobody learns anything about a request before authenticating (the body is not read).
        QCOMPARE(h.send("POST", "/api/v1/groups/failover1/move", "{bad").status, 401);
    }

    void sessionsAndCsrf() {
        Harness h;
        auto r = h.send("POST", "/api/v1/login", R"({"user": "operator", "password": "op-secret"})");
        QCOMPARE(r.status, 200);
        const QByteArray cookie = header(r, "Set-Cookie");
        QVERIFY2(cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict") && cookie.contains("Secure"),
                 cookie.constData());
        const QByteArray id = Authenticator::cookieValue(cookie.split(';').first(), "lifeline_session");
        const QByteArray csrf = json(r)["csrfToken"].toString().toLatin1();
        QVERIFY(!id.isEmpty() && !csrf.isEmpty());
        const QHash<QByteArray, QByteArray> session{{"cookie", "other=1; lifeline_session=" + id}};

        QCOMPARE(h.send("GET", "/api/v1/groups", {}, session).status, 200);
        r = h.send("GET", "/api/v1/session", {}, session);
        QCOMPARE(json(r)["role"].toString(), "operator");
        QCOMPARE(json(r)["csrfToken"].toString().toLatin1(), csrf);

        // A change without the token, or with another one, is refused before lifelined hears of it.
        r = h.send("POST", "/api/v1/groups/failover1/move", "{}", session);
        QCOMPARE(r.status, 403);
        QVERIFY2(message(r).contains("X-CSRF-Token"), qPrintable(message(r)));
        auto withToken = session;
        withToken.insert("x-csrf-token", "wrong");
        QCOMPARE(h.send("POST", "/api/v1/groups/failover1/move", "{}", withToken).status, 403);
        QCOMPARE(h.control.asked.size(), 1); // the GET of the groups
        withToken.insert("x-csrf-token", csrf);
        r = h.send("POST", "/api/v1/groups/failover1/move", R"({"target": "server2"})", withToken);
        QCOMPARE(r.status, 200);
        QCOMPARE(message(r), "done");
        QCOMPARE(h.control.asked.last().command, "group.move");
        QCOMPARE(h.control.asked.last().args, (QJsonObject{{"group", "failover1"}, {"server", "server2"}}));

        // Idle longer than the timeout: the session is gone.
        h.now += 60001;
        QCOMPARE(h.send("GET", "/api/v1/groups", {}, session).status, 401);

        // Logout ends it at once.
        r = h.send("POST", "/api/v1/login", R"({"user": "operator", "password": "op-secret"})");
        const QByteArray id2 = Authenticator::cookieValue(header(r, "Set-Cookie").split(';').first(), "lifeline_session");
        const QHash<QByteArray, QByteArray> s2{{"cookie", "lifeline_session=" + id2},
                                               {"x-csrf-token", json(r)["csrfToken"].toString().toLatin1()}};
        QCOMPARE(h.send("POST", "/api/v1/logout", {}, s2).status, 200);
        QCOMPARE(h.send("GET", "/api/v1/groups", {}, s2).status, 401);
    }

    void referenceMayOnlyLook() {
        Harness h;
        auto r = h.send("POST", "/api/v1/login", R"({"user": "reference", "password": "ref-secret"})");
        QCOMPARE(r.status, 200);
        QCOMPARE(json(r)["role"].toString(), "reference");
        const QByteArray id = Authenticator::cookieValue(header(r, "Set-Cookie").split(';').first(), "lifeline_session");
        const QHash<QByteArray, QByteArray> s{{"cookie", "lifeline_session=" + id},
                                              {"x-csrf-token", json(r)["csrfToken"].toString().toLatin1()}};
        QCOMPARE(h.send("GET", "/api/v1/monitors", {}, s).status, 200);
        r = h.send("POST", "/api/v1/monitors/userw/suspend", {}, s);
        QCOMPARE(r.status, 403);
        QVERIFY2(message(r).contains("reference user may only look"), qPrintable(message(r)));
        r = h.send("POST", "/api/v1/cluster/stop", {}, {{"authorization", Harness::basic("reference", "ref-secret")}});
        QCOMPARE(r.status, 403);
        for (const auto& a : h.control.asked)
            QVERIFY(a.command == QLatin1String("status"));
    }

    void failedLoginsAreLimitedAndAlerted() {
        Harness h;
        for (int i = 0; i < 5; ++i) {
            const auto r = h.send("POST", "/api/v1/login", R"({"user": "operator", "password": "guess"})");
            QCOMPARE(r.status, 401);
            QVERIFY(message(r).contains("wrong password"));
        }
        QCOMPARE(h.control.asked.size(), 1);
        QCOMPARE(h.control.asked[0].command, "alert.add");
        QVERIFY(h.control.asked[0].args["message"].toString().contains("198.18.0.100"));
        QCOMPARE(h.control.asked[0].args["type"].toString(), "warning");
        // Now even the right password is refused from there, Basic included; others may log in.
        auto r = h.send("POST", "/api/v1/login", R"({"user": "operator", "password": "op-secret"})");
        QCOMPARE(r.status, 429);
        QCOMPARE(code(r), 429);
        QVERIFY(message(r).contains("too many failed logins"));
        QCOMPARE(h.send("GET", "/api/v1/cluster", {}, {{"authorization", Harness::basic("operator", "op-secret")}}).status,
                 429);
        r = h.send("POST", "/api/v1/login", R"({"user": "operator", "password": "op-secret"})", {}, "198.18.0.101");
        QCOMPARE(r.status, 200);
        h.now += 60000;
        QCOMPARE(h.send("POST", "/api/v1/login", R"({"user": "operator", "password": "op-secret"})").status, 200);
        QCOMPARE(h.send("POST", "/api/v1/login", R"({"user": "nobody", "password": "x"})").status, 401);
        QCOMPARE(h.send("POST", "/api/v1/login", R"({"user": "operator"})").status, 400);
    }

    void operationsMapToControlCommands() {
        Harness h;
        struct Case {
            const char* path;
            const char* body;
            const char* command;
            QJsonObject args;
        };
        const QList<Case> cases{
            {"/api/v1/cluster/start", "", "cluster.start", {{"all", true}}},
            {"/api/v1/cluster/stop", R"({"servers": ["server2"]})", "cluster.stop", {{"servers", QJsonArray{"server2"}}}},
            {"/api/v1/cluster/suspend", "", "cluster.suspend", {}},
            {"/api/v1/cluster/resume", R"({"force": true})", "cluster.resume", {{"force", true}}},
            {"/api/v1/cluster/shutdown", R"({"action": "reboot"})", "cluster.shutdown", {{"action", "reboot"}}},
            {"/api/v1/groups/failover1/start", R"({"target": "server2"})", "group.start", {{"group", "failover1"}, {"server", "server2"}}},
            {"/api/v1/groups/failover1/stop", "", "group.stop", {{"group", "failover1"}}},
            {"/api/v1/groups/failover1/move", "", "group.move", {{"group", "failover1"}}},
            {"/api/v1/resources/fip1/start", "", "resource.start", {{"resource", "fip1"}}},
            {"/api/v1/resources/fip1/stop", R"({"server": "server1"})", "resource.stop", {{"resource", "fip1"}, {"server", "server1"}}},
            {"/api/v1/monitors/userw/suspend", "", "monitor.suspend", {{"monitor", "userw"}}},
            {"/api/v1/monitors/userw/resume", "", "monitor.resume", {{"monitor", "userw"}}},
        };
        for (const auto& c : cases) {
            const auto r = h.asOperator("POST", c.path, c.body);
            QVERIFY2(r.status == 200, c.path);
            QCOMPARE(h.control.asked.last().command, QString::fromLatin1(c.command));
            QCOMPARE(h.control.asked.last().args, c.args);
        }
        // Server shutdown: only the server this WebManager runs on.
        auto r = h.asOperator("POST", "/api/v1/servers/server2/shutdown");
        QCOMPARE(r.status, 400);
        QVERIFY2(message(r).contains("runs on server1"), qPrintable(message(r)));
        QCOMPARE(h.asOperator("POST", "/api/v1/servers/server9/shutdown").status, 404);
        r = h.asOperator("POST", "/api/v1/servers/server1/shutdown", R"({"action": "halt"})");
        QCOMPARE(r.status, 200);
        QCOMPARE(h.control.asked.last().command, "server.shutdown");
        QCOMPARE(h.control.asked.last().args, (QJsonObject{{"action", "halt"}}));
    }

    void openApiMatchesRoutes() {
        QFile file(QStringLiteral(LIFELINE_SOURCE_DIR "/webmanager/openapi.json"));
        QVERIFY(file.open(QIODevice::ReadOnly));
        QJsonParseError e{};
        const auto doc = QJsonDocument::fromJson(file.readAll(), &e);
        QVERIFY2(doc.isObject(), qPrintable(e.errorString()));
        QCOMPARE(doc["openapi"].toString().left(2), "3.");
        QSet<QString> documented;
        const auto paths = doc["paths"].toObject();
        for (auto p = paths.begin(); p != paths.end(); ++p) {
            const auto ops = p.value().toObject();
            for (auto m = ops.begin(); m != ops.end(); ++m) {
                documented << m.key().toUpper() + ' ' + p.key();
                QVERIFY2(m.value().toObject()["responses"].toObject().contains("200"), qPrintable(p.key()));
            }
        }
        const auto routes = ApiRouter::routes();
        const QSet<QString> served(routes.begin(), routes.end());
        QVERIFY2(served.size() == routes.size(), "a route is registered twice");
        QVERIFY2((served - documented).isEmpty(),
                 qPrintable("not in openapi.json: " + QStringList((served - documented).values()).join(", ")));
        QVERIFY2((documented - served).isEmpty(),
                 qPrintable("documented but not served: " + QStringList((documented - served).values()).join(", ")));
    }

    void certificateStore() {
        QTemporaryDir dir;
        CertificateStore store(dir.path() + "/webmgr");
        bool created = false;
        QString error;
        QVERIFY2(store.ensure("server1", &created, &error), qPrintable(error));
        QVERIFY(created);
        struct stat st {};
        QCOMPARE(::stat(QFile::encodeName(store.keyPath()).constData(), &st), 0);
        QCOMPARE(st.st_mode & 0777, 0600u);
        QSslCertificate cert;
        QSslKey key;
        QVERIFY2(store.load(&cert, &key, &error), qPrintable(error));
        QCOMPARE(cert.subjectInfo(QSslCertificate::CommonName), QStringList{"server1"});
        QCOMPARE(key.algorithm(), QSsl::Ec);
        QVERIFY(cert.expiryDate() > QDateTime::currentDateTimeUtc().addYears(9));
        QVERIFY(cert.isSelfSigned());
        // Present: kept as it is.
        QVERIFY(store.ensure("other", &created, &error));
        QVERIFY(!created);
        // Half of a pair is an error, and nothing is overwritten.
        QFile::remove(store.keyPath());
        QVERIFY(!store.ensure("server1", &created, &error));
        QVERIFY2(error.contains("server.crt") && error.contains("server.key"), qPrintable(error));
        QVERIFY(!QFile::exists(store.keyPath()));
    }

    void configModelRoundTrip() {
        QTemporaryDir dir;
        QDir().mkpath(dir.path() + "/etc/lifeline");
        const QString path = dir.path() + "/etc/lifeline/clp.conf";
        QFile f(path);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(R"(<?xml version="1.0" encoding="UTF-8"?>
<root><cluster><name>c</name></cluster>
<webmgr><client><objectnumber>3</objectnumber></client>
<security><clientlist><ip name="198.18.0.0/24"/><ip name="198.18.1.5"/></clientlist></security>
<session><timeout>600</timeout></session><protocol>http</protocol><custom>kept</custom></webmgr></root>
)");
        f.close();
        QString msg;
        QVERIFY2(PasswordCommand::set(config::Paths(dir.path()), "operator", "pw", &msg), qPrintable(msg));
        QVERIFY(!PasswordCommand::set(config::Paths(dir.path()), "admin", "pw", &msg));
        QVERIFY(msg.contains("operator or reference"));
        auto loaded = config::loadConfig(path);
        QVERIFY(loaded.document);
        const auto& c = loaded.config.cluster;
        QCOMPARE(c.webmgrClients, (QStringList{"198.18.0.0/24", "198.18.1.5"}));
        QCOMPARE(c.webmgrSessionTimeoutMs, 600000);
        QCOMPARE(c.webmgrProtocol, "http");
        QVERIFY(PasswordHash::verify("pw", c.webmgrOperatorPassword));
        QVERIFY(c.webmgrReferencePassword.isEmpty());
        QVERIFY(QFile::exists(path + ".bak"));
        // Unknown elements survive, and a changed client list is written back.
        auto cfg = loaded.config;
        cfg.cluster.webmgrClients = {"198.18.2.0/24"};
        config::writeConfig(cfg, *loaded.document);
        QString text = QString::fromUtf8(*loaded.document->serialize());
        QVERIFY(text.contains("<custom>kept</custom>"));
        QVERIFY(text.contains("<objectnumber>3</objectnumber>"));
        QVERIFY(text.contains("<ip name=\"198.18.2.0/24\"/>"));
        QVERIFY(!text.contains("198.18.1.5"));
        // A bad entry is reported by the validator.
        auto bad = config::parseConfig(text.replace("198.18.2.0/24", "not-an-ip").toUtf8(), "x");
        QVERIFY2(bad.diagnostics.mentions("clientlist/ip \"not-an-ip\""), qPrintable(bad.diagnostics.texts().join("\n")));
    }
};

QTEST_GUILESS_MAIN(TestWebManager)
#include "tst_webmanager.moc"
