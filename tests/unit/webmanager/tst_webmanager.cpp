// WebManager: password hashes, sessions, CSRF and the login limit, the router's answers
// (envelope, status codes, mapping to control commands) with a fake lifelined, the
// OpenAPI document against the route table, the certificate store and the config model;
// /metrics, the live-update feed and its event-stream framing, the console's files.

#include "ApiRouter.h"
#include "Authenticator.h"
#include "CertificateStore.h"
#include "EventFeed.h"
#include "LoginLimiter.h"
#include "Metrics.h"
#include "PasswordCommand.h"
#include "PasswordHash.h"
#include "SessionStore.h"
#include "WebServer.h"

#include "ConfigReader.h"
#include "ConfigWriter.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QRegularExpression>
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
        QCOMPARE(servers[1].toObject()["status"].toString(), "Unknown"); // an older lifelined: no map
        // lifelined's per-server map, in the servers' order whatever the map's.
        auto status = sampleStatus();
        auto monitors = status["monitors"].toArray();
        auto m = monitors[0].toObject();
        m["servers"] = QJsonObject{{"server2", "Error"}, {"server1", "Normal"}};
        monitors[0] = m;
        status["monitors"] = monitors;
        h.control.status = status;
        r = h.asOperator("GET", "/api/v1/monitors/userw");
        const auto both = json(r)["monitors"].toArray()[0].toObject()["servers"].toArray();
        QCOMPARE(both.size(), 2);
        QCOMPARE(both[0].toObject()["name"].toString(), "server1");
        QCOMPARE(both[0].toObject()["status"].toString(), "Normal");
        QCOMPARE(both[1].toObject()["status"].toString(), "Error");
        h.control.status = sampleStatus();

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

    void metricsRendering() {
        auto status = sampleStatus();
        auto monitors = status["monitors"].toArray();
        auto m = monitors[0].toObject();
        m["failovers"] = 2;
        m["servers"] = QJsonObject{{"server1", "Normal"}, {"server2", "Error"}};
        monitors[0] = m;
        status["monitors"] = monitors;
        // lifelined's failover measurements (FailoverTimes::toJson).
        status["failovers"] = QJsonDocument::fromJson(R"({"count": 3,
          "recent": [{"group": "failover1", "cause": "server", "source": "server2", "from": "server2",
                      "to": "server1", "detectionSeconds": 0.5, "takeoverSeconds": 1.25, "time": ""},
                     {"group": "failover1", "cause": "monitor", "source": "genw1", "from": "server1",
                      "to": "server2", "takeoverSeconds": 0.75, "time": ""}],
          "totals": [{"group": "failover1", "cause": "server", "to": "server1", "count": 2,
                      "detectionCount": 2, "detectionSeconds": 1.5, "takeoverSeconds": 2.5},
                     {"group": "failover1", "cause": "monitor", "to": "server2", "count": 1,
                      "detectionCount": 0, "detectionSeconds": 0, "takeoverSeconds": 0.75}]})").object();
        const QString text = QString::fromUtf8(Metrics::render(status));
        const QStringList lines = text.split('\n', Qt::SkipEmptyParts);
        for (const char* want : {
                 "lifeline_server_up{server=\"server1\"} 1",
                 "lifeline_server_up{server=\"server2\"} 1",
                 "lifeline_heartbeat_path_up{server=\"server1\",path=\"lanhb1\"} 1",
                 "lifeline_group_owner{group=\"failover1\",server=\"server1\"} 1",
                 "lifeline_group_owner{group=\"failover1\",server=\"server2\"} 0",
                 "lifeline_group_state{group=\"failover1\",state=\"Online\"} 1",
                 "lifeline_group_state{group=\"failover1\",state=\"Offline\"} 0",
                 "lifeline_resource_state{group=\"failover1\",resource=\"fip1\",state=\"Online\"} 1",
                 "lifeline_monitor_state{monitor=\"userw\",server=\"server1\",state=\"Normal\"} 1",
                 "lifeline_monitor_state{monitor=\"userw\",server=\"server1\",state=\"Error\"} 0",
                 "lifeline_monitor_state{monitor=\"userw\",server=\"server2\",state=\"Error\"} 1",
                 "lifeline_monitor_state{monitor=\"userw\",server=\"server2\",state=\"Normal\"} 0",
                 "lifeline_detection_seconds_sum{group=\"failover1\",server=\"server1\"} 1.5",
                 "lifeline_detection_seconds_count{group=\"failover1\",server=\"server1\"} 2",
                 "lifeline_takeover_seconds_sum{group=\"failover1\",server=\"server1\",cause=\"server\"} 2.5",
                 "lifeline_takeover_seconds_count{group=\"failover1\",server=\"server2\",cause=\"monitor\"} 1",
                 "lifeline_last_takeover_seconds{group=\"failover1\",server=\"server2\",cause=\"monitor\"} 0.75",
                 "# TYPE lifeline_takeover_seconds summary",
                 "lifeline_monitor_failovers{monitor=\"userw\",server=\"server1\"} 2",
                 "lifeline_cluster_state{cluster=\"cluster\",state=\"Online\"} 1",
                 "lifeline_failovers_total 3",
                 "# TYPE lifeline_failovers_total counter",
                 "# TYPE lifeline_server_up gauge"})
            QVERIFY2(lines.contains(QString::fromLatin1(want)), qPrintable(QStringLiteral("missing: %1\n%2").arg(want, text)));
        // Every sample line is `name{labels} value`, every family has HELP and TYPE once.
        const QRegularExpression sample(QStringLiteral("^lifeline_[a-z_]+(\\{[a-z]+=\"[^\"]*\"(,[a-z]+=\"[^\"]*\")*\\})? -?\\d+(\\.\\d+)?$"));
        // A family's samples follow its TYPE line (no family interleaved with another).
        QString family;
        for (const QString& line : lines) {
            if (line.startsWith("# TYPE "))
                family = line.section(' ', 2, 2);
            else if (!line.startsWith('#'))
                QVERIFY2(line.startsWith(family), qPrintable(line + " after the TYPE of " + family));
        }
        QSet<QString> typed;
        for (const QString& line : lines) {
            if (line.startsWith("# TYPE ")) {
                QVERIFY2(!typed.contains(line.section(' ', 2, 2)), qPrintable(line));
                typed << line.section(' ', 2, 2);
            } else if (!line.startsWith("# HELP "))
                QVERIFY2(sample.match(line).hasMatch(), qPrintable(line));
        }
        // A server that is down, a group nowhere, unknown failovers, a label to escape.
        auto servers = status["servers"].toArray();
        auto s2 = servers[1].toObject();
        s2["state"] = "Offline";
        servers[1] = s2;
        status["servers"] = servers;
        auto groups = status["groups"].toArray();
        auto g = groups[0].toObject();
        g["current"] = "";
        g["state"] = "Offline";
        g["name"] = "we\"ird\\";
        groups[0] = g;
        status["groups"] = groups;
        status.remove("failovers");
        const QString down = QString::fromUtf8(Metrics::render(status));
        QVERIFY(down.contains("lifeline_server_up{server=\"server2\"} 0\n"));
        QVERIFY(down.contains("lifeline_group_owner{group=\"we\\\"ird\\\\\",server=\"server1\"} 0\n"));
        QVERIFY(down.contains("lifeline_group_state{group=\"we\\\"ird\\\\\",state=\"Offline\"} 1\n"));
        QVERIFY(!down.contains("lifeline_failovers_total"));
    }

    void metricsEndpoint() {
        Harness h;
        auto r = h.send("GET", "/metrics");
        QCOMPARE(r.status, 401);
        QVERIFY(header(r, "WWW-Authenticate").startsWith("Basic"));
        auto status = sampleStatus();
        status["failovers"] = QJsonObject{{"count", 1}, {"recent", QJsonArray{}}, {"totals", QJsonArray{}}};
        h.control.status = status;
        r = h.send("GET", "/metrics", {}, {{"authorization", Harness::basic("reference", "ref-secret")}});
        QCOMPARE(r.status, 200);
        QCOMPARE(r.contentType, QByteArray("text/plain; version=0.0.4; charset=utf-8"));
        QVERIFY(r.body.contains("lifeline_group_owner{group=\"failover1\",server=\"server1\"} 1\n"));
        QVERIFY(r.body.contains("lifeline_failovers_total 1\n"));
        // One `status` per scrape: the count is lifelined's, never the alert log's.
        QCOMPARE(h.control.asked.last().command, "status");
        // lifelined away: 503, as every other endpoint.
        control::ControlReply gone;
        gone.status = control::ControlReply::Status::Transport;
        gone.message = "connection refused";
        h.control.replies.insert("status", gone);
        QCOMPARE(h.asOperator("GET", "/metrics").status, 503);
    }

    void eventStreamFraming() {
        QCOMPARE(EventFeed::frame("status", {{"a", 1}}, 7), QByteArray("id: 7\nevent: status\ndata: {\"a\":1}\n\n"));
        QCOMPARE(EventFeed::preamble(), QByteArray("retry: 1000\n\n"));
        const auto v = EventFeed::view(sampleStatus());
        QCOMPARE(v["groups"].toArray()[0].toObject()["current"].toString(), "server1");
        QCOMPARE(v["groups"].toArray()[0].toObject()["resources"].toArray()[0].toObject()["name"].toString(), "fip1");
        QCOMPARE(v["servers"].toArray().size(), 2);
        QCOMPARE(v["monitors"].toArray()[0].toObject()["status"].toString(), "Normal");
        QCOMPARE(v["cluster"].toObject()["status"].toString(), "Online");

        // Through the router: authenticated only, answered as a stream.
        Harness h;
        QCOMPARE(h.send("GET", "/api/v1/events").status, 401);
        const auto r = h.asOperator("GET", "/api/v1/events");
        QVERIFY(r.stream);
        QVERIFY(r.contentType.startsWith("text/event-stream"));
        const QByteArray head = WebServer::encode(r, true);
        QVERIFY(head.startsWith("HTTP/1.1 200 OK\r\n"));
        QVERIFY(!head.contains("Content-Length"));
        QVERIFY(head.contains("Content-Type: text/event-stream"));
        QVERIFY(head.endsWith("\r\n\r\n"));
        QVERIFY(!r.allowed); // Basic: for as long as the client stays
        // A session's stream lives as long as the session, and watching does not keep it alive.
        auto login = h.send("POST", "/api/v1/login", R"({"user": "reference", "password": "ref-secret"})");
        const QByteArray cookie = header(login, "Set-Cookie").split(';').first();
        const auto stream = h.send("GET", "/api/v1/events", {}, {{"cookie", cookie}});
        QVERIFY(stream.stream && stream.allowed);
        QVERIFY(stream.allowed());
        h.now += 59000;
        QVERIFY(stream.allowed());
        h.now += 2000; // 61 s after the login, idle timeout 60 s
        QVERIFY(!stream.allowed());
    }

    void eventFeed() {
        FakeControl control;
        control.status = sampleStatus();
        control::ControlReply alerts;
        alerts.status = control::ControlReply::Status::Ok;
        alerts.result = {{"alerts", QJsonArray{QJsonObject{{"server", "server1"}, {"seq", 10}, {"id", 1}}}}};
        control.replies.insert("alerts", alerts);
        EventFeed feed(control);
        QVERIFY(!feed.polling());
        QCOMPARE(control.asked.size(), 0); // nobody listens: nothing asked

        QByteArray a;
        const int first = feed.subscribe([&](const QByteArray& b) { a += b; });
        QVERIFY(first > 0);
        QVERIFY(feed.polling());
        // The preamble, then the current view at once.
        QVERIFY2(a.startsWith("retry: 1000\n\nid: 1\nevent: status\ndata: {"), a.constData());
        QVERIFY(a.endsWith("\n\n"));
        QCOMPARE(a.count("event: "), 1);
        const auto data = [](const QByteArray& stream) {
            const QByteArray last = stream.trimmed().split('\n').last();
            return QJsonDocument::fromJson(last.mid(6)).object();
        };
        QCOMPARE(data(a)["groups"].toArray()[0].toObject()["current"].toString(), "server1");

        // No change: no event.
        a.clear();
        feed.poll();
        QVERIFY2(a.isEmpty(), a.constData());
        // A second stream gets the current view without waiting.
        QByteArray b;
        const int second = feed.subscribe([&](const QByteArray& x) { b += x; });
        QVERIFY(b.contains("id: 1\nevent: status\n"));
        // The group moves: both streams hear it on the next poll.
        auto groups = control.status["groups"].toArray();
        auto g = groups[0].toObject();
        g["current"] = "server2";
        groups[0] = g;
        control.status["groups"] = groups;
        b.clear();
        feed.poll();
        QVERIFY(a.startsWith("id: 2\nevent: status\n"));
        QCOMPARE(a, b);
        QCOMPARE(data(a)["groups"].toArray()[0].toObject()["current"].toString(), "server2");

        // Alerts: those there at the start are not news; a new one is sent once.
        auto list = alerts.result["alerts"].toArray();
        list.append(QJsonObject{{"server", "server1"}, {"seq", 11}, {"id", 503}, {"message", "failover"}});
        list.append(QJsonObject{{"server", "server2"}, {"seq", 5}, {"id", 1}});
        alerts.result["alerts"] = list;
        control.replies.insert("alerts", alerts);
        a.clear();
        for (int i = 0; i < EventFeed::kAlertEvery * 2; ++i)
            feed.poll();
        QCOMPARE(a.count("event: alerts\n"), 1);
        const auto sent = data(a)["alerts"].toArray();
        QCOMPARE(sent.size(), 2);
        QCOMPARE(sent[0].toObject()["seq"].toInt(), 11);
        QCOMPARE(sent[1].toObject()["server"].toString(), "server2");

        // lifelined gone: one "not available" event, not one per poll.
        control::ControlReply gone;
        gone.status = control::ControlReply::Status::Transport;
        gone.message = "connection refused";
        control.replies.insert("status", gone);
        a.clear();
        feed.poll();
        feed.poll();
        QCOMPARE(a.count("event: status\n"), 1);
        QVERIFY(a.contains("\"available\":false"));

        // At most kMaxStreams; when all leave, the feed stops asking.
        QList<int> more;
        while (feed.streams() < EventFeed::kMaxStreams)
            more << feed.subscribe([](const QByteArray&) {});
        QCOMPARE(feed.subscribe([](const QByteArray&) {}), -1);
        for (int id : more)
            feed.unsubscribe(id);
        feed.unsubscribe(first);
        QVERIFY(feed.polling());
        feed.unsubscribe(second);
        QVERIFY(!feed.polling());
        QCOMPARE(feed.streams(), 0);
    }

    void logDownload() {
        Harness h;
        // Reference users may not collect or download (an archive holds the configuration).
        const QHash<QByteArray, QByteArray> ref{{"authorization", Harness::basic("reference", "ref-secret")}};
        QCOMPARE(h.send("POST", "/api/v1/logs/collect", "{}", ref).status, 403);
        QCOMPARE(h.send("GET", "/api/v1/logs/a1", {}, ref).status, 403);
        QCOMPARE(h.send("GET", "/api/v1/logs/a1/archive", {}, ref).status, 403);
        auto r = h.asOperator("POST", "/api/v1/logs/collect", R"({"server": "server2", "type": "type2"})");
        QCOMPARE(r.status, 200);
        QCOMPARE(h.control.asked.last().command, "logs.collect");
        QCOMPARE(h.control.asked.last().args, (QJsonObject{{"server", "server2"}, {"type", "type2"}}));

        // While it is built.
        control::ControlReply building;
        building.status = control::ControlReply::Status::Ok;
        building.result = {{"server", "server2"}, {"ready", false}};
        h.control.replies.insert("logs.read", building);
        r = h.asOperator("GET", "/api/v1/logs/a1?server=server2");
        QCOMPARE(r.status, 200);
        QCOMPARE(json(r)["ready"].toBool(), false);
        QCOMPARE(h.control.asked.last().args, (QJsonObject{{"id", "a1"}, {"server", "server2"}, {"offset", 0}, {"length", 1}}));
        QCOMPARE(h.asOperator("GET", "/api/v1/logs/a1/archive?server=server2").status, 409);

        // Ready, in three parts: the first with the head, the rest through the pump; then released.
        const QByteArray archive = QByteArray("\x1f\x8b", 2) + QByteArray(1000, 'x') + "end";
        struct Parts : ControlBackend {
            QByteArray archive;
            QList<QJsonObject> released;
            void call(const QString& command, const QJsonObject& args, int, Done done) override {
                control::ControlReply r;
                r.status = control::ControlReply::Status::Ok;
                if (command == QLatin1String("logs.release")) {
                    released << args;
                } else {
                    const qint64 offset = args["offset"].toInteger();
                    const QByteArray part = archive.mid(offset, 400);
                    r.result = {{"server", "server2"}, {"ready", true}, {"size", archive.size()},
                                {"offset", offset}, {"data", QString::fromLatin1(part.toBase64())},
                                {"eof", offset + part.size() >= archive.size()}};
                }
                done(r);
            }
        } parts;
        parts.archive = archive;
        ApiRouter router(h.auth, parts);
        ApiRequest request;
        request.method = "GET";
        request.path = "/api/v1/logs/a1/archive";
        request.query = QUrlQuery("server=server2&name=server2-20261205-101010.tar.gz%22%0d%0aX:y");
        request.headers = {{"authorization", Harness::basic("operator", "op-secret")}};
        request.peer = QHostAddress("198.18.0.100");
        std::optional<ApiResponse> got;
        router.handle(request, [&](const ApiResponse& a) { got = a; });
        QVERIFY(got && got->stream && got->pump);
        QCOMPARE(got->contentType, QByteArray("application/gzip"));
        QCOMPARE(header(*got, "Content-Length"), QByteArray::number(archive.size()));
        QCOMPARE(header(*got, "Content-Disposition"), QByteArray("attachment; filename=\"server2-20261205-101010.tar.gzXy\""));
        QByteArray body = got->body;
        bool ended = false;
        got->pump([&](const QByteArray& bytes, bool last, std::function<void(bool)> next) {
            body += bytes;
            if (last)
                ended = true;
            else
                next(true);
        });
        QVERIFY(ended);
        QCOMPARE(body, archive);
        QCOMPARE(parts.released, (QList<QJsonObject>{{{"id", "a1"}, {"server", "server2"}}}));
        // A client that leaves half-way: released too.
        parts.released.clear();
        got.reset();
        router.handle(request, [&](const ApiResponse& a) { got = a; });
        got->pump([&](const QByteArray&, bool, std::function<void(bool)> next) { next(false); });
        QCOMPARE(parts.released.size(), 1);
    }

    void consoleFiles() {
        Harness h;
        for (const auto& [path, type] : {std::pair{"/", "text/html"}, std::pair{"/index.html", "text/html"},
                                         std::pair{"/app.js", "text/javascript"}, std::pair{"/app.css", "text/css"}}) {
            const auto r = h.send("GET", path);
            QCOMPARE(r.status, 200);
            QVERIFY2(r.contentType.startsWith(type), path);
            QVERIFY2(!r.body.isEmpty(), path);
            QVERIFY(header(r, "Content-Security-Policy").contains("default-src 'self'"));
        }
        QVERIFY(h.send("GET", "/").body.contains("src=\"/app.js\""));
        // Not from outside the client list; other names are no files.
        Harness listed({QHostAddress::parseSubnet("198.18.5.0/24")});
        QCOMPARE(listed.send("GET", "/").status, 403);
        QCOMPARE(h.send("GET", "/app.json").status, 404);
        QCOMPARE(h.send("POST", "/app.js").status, 404);
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
