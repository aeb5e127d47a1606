#include "ApiRouter.h"

#include "ApiViews.h"
#include "ConfigApi.h"
#include "ConsoleFiles.h"
#include "Metrics.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QRegularExpression>
#include <QSet>

namespace lifeline::webmgr {

namespace {

constexpr int kReadTimeoutMs = 10000;
constexpr int kClusterTimeoutMs = 60000;
// A group transition runs its resources' start/stop scripts; the answer comes when it is over.
constexpr int kOperationTimeoutMs = 300000;

// The server a group or resource operation names: "target" (ExpressCluster) or "server".
QString targetOf(const QJsonObject& body) {
    const QString t = body.value(QLatin1String("target")).toString();
    return t.isEmpty() ? body.value(QLatin1String("server")).toString() : t;
}

} // namespace

ApiRouter::ApiRouter(Authenticator& auth, ControlBackend& control) : auth_(auth), control_(control) {}

const QList<ApiRouter::Route>& ApiRouter::table() {
    using R = ApiRouter;
    static const QList<Route> routes{
        {"POST", "/api/v1/login", &R::login, true},
        {"POST", "/api/v1/logout", &R::logout},
        {"GET", "/api/v1/session", &R::session},
        {"GET", "/api/v1/cluster", &R::getCluster},
        {"GET", "/api/v1/servers", &R::getServers},
        {"GET", "/api/v1/servers/{name}", &R::getServer},
        {"GET", "/api/v1/groups", &R::getGroups},
        {"GET", "/api/v1/groups/{name}", &R::getGroup},
        {"GET", "/api/v1/resources/{name}", &R::getResource},
        {"GET", "/api/v1/monitors", &R::getMonitors},
        {"GET", "/api/v1/monitors/{name}", &R::getMonitor},
        {"GET", "/api/v1/alerts", &R::getAlerts},
        {"GET", "/api/v1/events", &R::events},
        {"GET", "/metrics", &R::metrics},
        {"POST", "/api/v1/logs/collect", &R::logsCollect},
        {"GET", "/api/v1/logs/{id}", &R::logsState},
        {"GET", "/api/v1/logs/{id}/archive", &R::logsArchive},
        {"POST", "/api/v1/cluster/start", &R::clusterStart},
        {"POST", "/api/v1/cluster/stop", &R::clusterStop},
        {"POST", "/api/v1/cluster/suspend", &R::clusterSuspend},
        {"POST", "/api/v1/cluster/resume", &R::clusterResume},
        {"POST", "/api/v1/cluster/shutdown", &R::clusterShutdown},
        {"POST", "/api/v1/servers/{name}/shutdown", &R::serverShutdown},
        {"POST", "/api/v1/groups/{name}/start", &R::groupStart},
        {"POST", "/api/v1/groups/{name}/stop", &R::groupStop},
        {"POST", "/api/v1/groups/{name}/move", &R::groupMove},
        {"POST", "/api/v1/resources/{name}/start", &R::resourceStart},
        {"POST", "/api/v1/resources/{name}/stop", &R::resourceStop},
        {"POST", "/api/v1/monitors/{name}/suspend", &R::monitorSuspend},
        {"POST", "/api/v1/monitors/{name}/resume", &R::monitorResume},
        {"GET", "/api/v1/configuration", &R::getConfiguration},
        {"POST", "/api/v1/configuration", &R::postConfiguration, false, ConfigApi::kMaxUploadBytes},
        {"GET", "/api/v1/servers/{name}/devices", &R::getDevices},
    };
    return routes;
}

QStringList ApiRouter::routes() {
    QStringList out;
    for (const auto& r : table())
        out << QStringLiteral("%1 %2").arg(QLatin1String(r.method), QLatin1String(r.pattern));
    return out;
}

bool ApiRouter::match(const QString& pattern, const QString& path, QStringList* params) {
    const QStringList want = pattern.split(QLatin1Char('/'));
    QString trimmed = path;
    if (trimmed.size() > 1 && trimmed.endsWith(QLatin1Char('/')))
        trimmed.chop(1);
    const QStringList got = trimmed.split(QLatin1Char('/'));
    if (want.size() != got.size())
        return false;
    QStringList captured;
    for (qsizetype i = 0; i < want.size(); ++i) {
        if (want[i].startsWith(QLatin1Char('{'))) {
            if (got[i].isEmpty())
                return false;
            captured << got[i];
        } else if (want[i] != got[i]) {
            return false;
        }
    }
    *params = captured;
    return true;
}

ApiResponse ApiRouter::envelope(int status, QJsonObject body, const QString& message) {
    body.insert("result", QJsonObject{{"code", status / 100 == 2 ? 0 : status}, {"message", message}});
    ApiResponse r;
    r.status = status;
    r.body = QJsonDocument(body).toJson(QJsonDocument::Compact);
    return r;
}

ApiResponse ApiRouter::error(int status, const QString& message) { return envelope(status, {}, message); }

void ApiRouter::handle(const ApiRequest& request, Reply reply) {
    if (!auth_.clientAllowed(request.peer)) {
        reply(error(403, QStringLiteral("client %1 is not in the WebManager's client list "
                                        "(webmgr/security/clientlist)")
                             .arg(request.peer.toString())));
        return;
    }
    if (request.method == QLatin1String("GET")) {
        if (auto file = ConsoleFiles::serve(request.path)) {
            reply(*file);
            return;
        }
    }
    const Route* route = nullptr;
    QStringList params;
    QStringList allowed;
    for (const auto& r : table()) {
        QStringList p;
        if (!match(QLatin1String(r.pattern), request.path, &p))
            continue;
        if (!allowed.contains(QLatin1String(r.method)))
            allowed << QLatin1String(r.method);
        if (request.method == QLatin1String(r.method)) {
            route = &r;
            params = p;
        }
    }
    if (!route) {
        if (allowed.isEmpty()) {
            reply(error(404, QStringLiteral("no such endpoint: %1").arg(request.path)));
            return;
        }
        auto r = error(405, QStringLiteral("method %1 is not allowed on %2; use %3")
                                .arg(request.method, request.path, allowed.join(QStringLiteral(", "))));
        r.headers << qMakePair(QByteArray("Allow"), allowed.join(QStringLiteral(", ")).toLatin1());
        reply(r);
        return;
    }
    if (request.body.size() > route->maxBody) {
        reply(error(413, QStringLiteral("the request body has %1 bytes; at most %2 are accepted")
                             .arg(request.body.size())
                             .arg(route->maxBody)));
        return;
    }
    Call call{request, params, {}, {}, std::move(reply)};
    const bool changes = QLatin1String(route->method) != QLatin1String("GET");
    if (!route->open && !admit(call, changes, route->handler == &ApiRouter::logout))
        return;
    if (changes && !request.body.trimmed().isEmpty()) {
        QJsonParseError e{};
        const auto doc = QJsonDocument::fromJson(request.body, &e);
        if (!doc.isObject()) {
            call.reply(error(400, doc.isNull()
                                      ? QStringLiteral("the request body is not valid JSON: %1 "
                                                       "at offset %2")
                                            .arg(e.errorString())
                                            .arg(e.offset)
                                      : QStringLiteral("the request body must be a JSON object")));
            return;
        }
        call.body = doc.object();
    }
    (this->*route->handler)(call);
}

bool ApiRouter::admit(Call& call, bool changes, bool logout) {
    const ApiRequest& request = call.request;
    int failures = 0;
    call.who = auth_.identify(request, &failures);
    if (failures)
        noteFailure(request.peer.toString(), failures);
    if (call.who.role == Role::None) {
        auto r = error(call.who.status, call.who.message);
        if (call.who.status == 401 && request.header("x-requested-with").isEmpty())
            r.headers << qMakePair(QByteArray("WWW-Authenticate"),
                                   QByteArray("Basic realm=\"Lifeline WebManager\", charset=\"UTF-8\""));
        call.reply(r);
        return false;
    }
    if (!changes || logout)
        return true;
    if (call.who.session) {
        const QByteArray token = request.header(Authenticator::kCsrfHeader);
        if (token.isEmpty() || token != call.who.csrf) {
            call.reply(error(403, token.isEmpty()
                                      ? QStringLiteral("the X-CSRF-Token header is missing (a "
                                                       "session must send the token it got at login)")
                                      : QStringLiteral("the X-CSRF-Token header does not match "
                                                       "this session")));
            return false;
        }
    }
    if (call.who.role != Role::Operator) {
        call.reply(error(403, QStringLiteral("the reference user may only look; log in as "
                                             "operator to %1")
                                  .arg(request.path.section(QLatin1Char('/'), -1))));
        return false;
    }
    return true;
}

void ApiRouter::noteFailure(const QString& address, int failures) {
    if (failures != 5) // once, when the limit is reached
        return;
    control_.call(QStringLiteral("alert.add"),
                  {{"message", QStringLiteral("WebManager: %1 failed logins from %2 within 60 s; "
                                              "logins from there are refused for a while")
                                   .arg(failures)
                                   .arg(address)},
                   {"type", "warning"}},
                  kReadTimeoutMs, [](const control::ControlReply&) {});
}

ApiResponse ApiRouter::fromControlError(const control::ControlReply& reply) {
    if (reply.status == control::ControlReply::Status::Transport)
        return error(503, QStringLiteral("lifelined does not answer: %1").arg(reply.message));
    int status = 500;
    if (reply.code == QLatin1String("not-found"))
        status = 404;
    else if (reply.code == QLatin1String("bad-request"))
        status = 400;
    else if (reply.code == QLatin1String("unavailable"))
        status = 503;
    else if (reply.code == QLatin1String("failed"))
        status = 409;
    return error(status, reply.message);
}

void ApiRouter::control(Call& call, const QString& command, const QJsonObject& args, int timeoutMs,
                        std::function<ApiResponse(const QJsonObject&)> view) {
    control_.call(command, args, timeoutMs,
                  [reply = call.reply, view = std::move(view)](const control::ControlReply& r) {
                      reply(r.ok() ? view(r.result) : fromControlError(r));
                  });
}

void ApiRouter::operate(Call& call, const QString& command, const QJsonObject& args, int timeoutMs) {
    control(call, command, args, timeoutMs, [](const QJsonObject& result) {
        const QString message = result.value(QLatin1String("message")).toString();
        return envelope(200, result, message.isEmpty() ? kOk : message);
    });
}

// --- session ------------------------------------------------------------------------

void ApiRouter::login(Call& call) {
    const QString user = call.body.value(QLatin1String("user")).toString();
    const QJsonValue password = call.body.value(QLatin1String("password"));
    if (user.isEmpty() || !password.isString()) {
        call.reply(error(400, QStringLiteral("login needs {\"user\": \"operator\" or \"reference\", "
                                             "\"password\": \"...\"}")));
        return;
    }
    int failures = 0;
    const QString address = call.request.peer.toString();
    const auto who = auth_.login(user, password.toString().toUtf8(), address, &failures);
    if (failures)
        noteFailure(address, failures);
    if (who.role == Role::None) {
        call.reply(error(who.status, who.message));
        return;
    }
    auto r = envelope(200,
                      {{"user", roleName(who.role)},
                       {"role", roleName(who.role)},
                       {"csrfToken", QString::fromLatin1(who.csrf)},
                       {"sessionTimeout", auth_.settings().sessionIdleMs / 1000}},
                      kOk);
    r.headers << qMakePair(QByteArray("Set-Cookie"), auth_.sessionCookie(who.sessionId));
    call.reply(r);
}

void ApiRouter::logout(Call& call) {
    if (call.who.session)
        auth_.logout(call.who.sessionId);
    auto r = envelope(200, {}, kOk);
    r.headers << qMakePair(QByteArray("Set-Cookie"), auth_.clearedCookie());
    call.reply(r);
}

void ApiRouter::session(Call& call) {
    QJsonObject body{{"user", roleName(call.who.role)}, {"role", roleName(call.who.role)}};
    if (call.who.session)
        body.insert("csrfToken", QString::fromLatin1(call.who.csrf));
    call.reply(envelope(200, body, kOk));
}

// --- reading --------------------------------------------------------------------------

void ApiRouter::getCluster(Call& call) {
    control(call, QStringLiteral("status"), {}, kReadTimeoutMs,
            [](const QJsonObject& s) { return envelope(200, ApiViews::cluster(s), kOk); });
}

void ApiRouter::getServers(Call& call) {
    const QString select = call.request.query.queryItemValue(QStringLiteral("select"));
    if (!select.isEmpty() && select != QLatin1String("name")) {
        call.reply(error(400, QStringLiteral("select=%1: only select=name is known here").arg(select)));
        return;
    }
    control(call, QStringLiteral("status"), {}, kReadTimeoutMs, [names = !select.isEmpty()](const QJsonObject& s) {
        return envelope(200, ApiViews::servers(s, names), kOk);
    });
}

namespace {
template <class F>
std::function<ApiResponse(const QJsonObject&)> findOr404(QString what, QString name, F find) {
    return [what, name, find](const QJsonObject& s) {
        const auto found = find(s, name);
        return found ? ApiRouter::envelope(200, *found, ApiRouter::kOk)
                     : ApiRouter::error(404, QStringLiteral("no %1 named \"%2\"").arg(what, name));
    };
}
} // namespace

void ApiRouter::getServer(Call& call) {
    control(call, QStringLiteral("status"), {}, kReadTimeoutMs,
            findOr404(QStringLiteral("server"), call.params.value(0), ApiViews::server));
}

static bool selectResources(const QUrlQuery& query, QString* bad) {
    const QString select = query.queryItemValue(QStringLiteral("select"));
    if (!select.isEmpty() && select != QLatin1String("resources"))
        *bad = QStringLiteral("select=%1: only select=resources is known here").arg(select);
    return select == QLatin1String("resources");
}

void ApiRouter::getGroups(Call& call) {
    QString bad;
    const bool withResources = selectResources(call.request.query, &bad);
    if (!bad.isEmpty()) {
        call.reply(error(400, bad));
        return;
    }
    control(call, QStringLiteral("status"), {}, kReadTimeoutMs, [withResources](const QJsonObject& s) {
        return envelope(200, ApiViews::groups(s, withResources), kOk);
    });
}

void ApiRouter::getGroup(Call& call) {
    QString bad;
    const bool withResources = selectResources(call.request.query, &bad);
    if (!bad.isEmpty()) {
        call.reply(error(400, bad));
        return;
    }
    control(call, QStringLiteral("status"), {}, kReadTimeoutMs,
            findOr404(QStringLiteral("group"), call.params.value(0),
                      [withResources](const QJsonObject& s, const QString& n) {
                          return ApiViews::group(s, n, withResources);
                      }));
}

void ApiRouter::getResource(Call& call) {
    control(call, QStringLiteral("status"), {}, kReadTimeoutMs,
            findOr404(QStringLiteral("group resource"), call.params.value(0), ApiViews::resource));
}

void ApiRouter::getMonitors(Call& call) {
    control(call, QStringLiteral("status"), {}, kReadTimeoutMs,
            [](const QJsonObject& s) { return envelope(200, ApiViews::monitors(s), kOk); });
}

void ApiRouter::getMonitor(Call& call) {
    control(call, QStringLiteral("status"), {}, kReadTimeoutMs,
            findOr404(QStringLiteral("monitor resource"), call.params.value(0), ApiViews::monitor));
}

void ApiRouter::getAlerts(Call& call) {
    QJsonObject args;
    const auto& q = call.request.query;
    for (const char* key : {"server", "type", "module"})
        if (q.hasQueryItem(QLatin1String(key)))
            args.insert(QLatin1String(key), q.queryItemValue(QLatin1String(key)));
    if (q.hasQueryItem(QStringLiteral("max"))) {
        bool ok = false;
        const int max = q.queryItemValue(QStringLiteral("max")).toInt(&ok);
        if (!ok || max < 0) {
            call.reply(error(400, QStringLiteral("max=%1 is not a whole number of 0 or more")
                                      .arg(q.queryItemValue(QStringLiteral("max")))));
            return;
        }
        args.insert("max", max);
    }
    control(call, QStringLiteral("alerts"), args, kReadTimeoutMs,
            [](const QJsonObject& r) { return envelope(200, ApiViews::alerts(r), kOk); });
}

void ApiRouter::events(Call& call) {
    ApiResponse r;
    r.stream = true;
    r.contentType = "text/event-stream; charset=utf-8";
    if (call.who.session)
        r.allowed = [this, id = call.who.sessionId] { return auth_.sessions().alive(id); };
    call.reply(r);
}

void ApiRouter::metrics(Call& call) {
    // Everything, the failover count and durations too, is in lifelined's status.
    control_.call(QStringLiteral("status"), {}, kReadTimeoutMs,
                  [reply = call.reply](const control::ControlReply& s) {
                      if (!s.ok()) {
                          reply(fromControlError(s));
                          return;
                      }
                      ApiResponse r;
                      r.contentType = Metrics::kContentType;
                      r.body = Metrics::render(s.result);
                      reply(r);
                  });
}

// --- log collection (clplogcc) --------------------------------------------------------------

bool ApiRouter::operatorOnly(Call& call) {
    if (call.who.role == Role::Operator)
        return true;
    call.reply(error(403, QStringLiteral("the reference user may only look; log in as operator to "
                                         "collect logs")));
    return false;
}

void ApiRouter::logsCollect(Call& call) {
    QJsonObject args;
    for (const char* key : {"server", "type"})
        if (call.body.contains(QLatin1String(key)))
            args.insert(QLatin1String(key), call.body.value(QLatin1String(key)));
    control(call, QStringLiteral("logs.collect"), args, kReadTimeoutMs,
            [](const QJsonObject& r) { return envelope(200, r, kOk); });
}

void ApiRouter::logsState(Call& call) {
    if (!operatorOnly(call))
        return;
    QJsonObject args{{"id", call.params.value(0)}, {"offset", 0}, {"length", 1}};
    if (call.request.query.hasQueryItem(QStringLiteral("server")))
        args.insert("server", call.request.query.queryItemValue(QStringLiteral("server")));
    control(call, QStringLiteral("logs.read"), args, kReadTimeoutMs, [id = call.params.value(0)](const QJsonObject& r) {
        QJsonObject body{{"server", r.value(QLatin1String("server"))}, {"id", id},
                         {"ready", r.value(QLatin1String("ready")).toBool()}};
        if (body.value(QLatin1String("ready")).toBool())
            body.insert("size", r.value(QLatin1String("size")));
        return envelope(200, body, kOk);
    });
}

void ApiRouter::logsArchive(Call& call) {
    if (!operatorOnly(call))
        return;
    const auto& q = call.request.query;
    QJsonObject args{{"id", call.params.value(0)}};
    if (q.hasQueryItem(QStringLiteral("server")))
        args.insert("server", q.queryItemValue(QStringLiteral("server")));
    // The file name the browser saves: lifelined's name, without anything a header could abuse.
    QString name = q.queryItemValue(QStringLiteral("name"), QUrl::FullyDecoded);
    name.remove(QRegularExpression(QStringLiteral("[^A-Za-z0-9._-]")));
    if (name.isEmpty())
        name = QStringLiteral("lifeline-logs.tar.gz");
    QJsonObject first = args;
    first.insert("offset", 0);
    control_.call(QStringLiteral("logs.read"), first, kReadTimeoutMs,
                  [this, args, name, reply = call.reply](const control::ControlReply& r) {
                      if (!r.ok()) {
                          reply(fromControlError(r));
                          return;
                      }
                      if (!r.result.value(QLatin1String("ready")).toBool()) {
                          reply(error(409, QStringLiteral("the archive is still being built; ask "
                                                          "GET /api/v1/logs/{id} until it is ready")));
                          return;
                      }
                      ApiResponse out;
                      out.contentType = "application/gzip";
                      out.body = QByteArray::fromBase64(r.result.value(QLatin1String("data")).toString().toLatin1());
                      const qint64 size = r.result.value(QLatin1String("size")).toInteger();
                      out.headers << qMakePair(QByteArray("Content-Disposition"),
                                               "attachment; filename=\"" + name.toLatin1() + '"');
                      if (r.result.value(QLatin1String("eof")).toBool()) {
                          control_.call(QStringLiteral("logs.release"), args, kReadTimeoutMs,
                                        [](const control::ControlReply&) {});
                          reply(out);
                          return;
                      }
                      out.stream = true;
                      out.headers << qMakePair(QByteArray("Content-Length"), QByteArray::number(size));
                      const qint64 offset = out.body.size();
                      out.pump = [this, args, offset](BodySink sink) { pumpArchive(args, offset, std::move(sink)); };
                      reply(out);
                  });
}

void ApiRouter::pumpArchive(QJsonObject args, qint64 offset, BodySink sink) {
    const auto release = [this, args] {
        control_.call(QStringLiteral("logs.release"), args, kReadTimeoutMs, [](const control::ControlReply&) {});
    };
    QJsonObject read = args;
    read.insert("offset", offset);
    control_.call(QStringLiteral("logs.read"), read, kReadTimeoutMs,
                  [this, args, offset, sink, release](const control::ControlReply& r) {
                      const QByteArray data =
                          QByteArray::fromBase64(r.result.value(QLatin1String("data")).toString().toLatin1());
                      // A failure now can only end the download short of its length.
                      const bool last = !r.ok() || data.isEmpty() || r.result.value(QLatin1String("eof")).toBool();
                      if (last) {
                          sink(data, true, {});
                          release();
                          return;
                      }
                      sink(data, false, [this, args, next = offset + data.size(), sink, release](bool more) {
                          if (more)
                              pumpArchive(args, next, sink);
                          else
                              release(); // the client left
                      });
                  });
}

// --- operating ------------------------------------------------------------------------

namespace {
// {"servers": [...]} narrows a cluster start/stop to those servers; the default is all.
QJsonObject serversArgs(const QJsonObject& body) {
    if (body.value(QLatin1String("servers")).isArray())
        return {{"servers", body.value(QLatin1String("servers"))}};
    return {{"all", true}};
}
QJsonObject forceArgs(const QJsonObject& body) {
    return body.value(QLatin1String("force")).toBool() ? QJsonObject{{"force", true}} : QJsonObject{};
}
QJsonObject actionArgs(const QJsonObject& body) {
    return body.contains(QLatin1String("action"))
               ? QJsonObject{{"action", body.value(QLatin1String("action"))}}
               : QJsonObject{};
}
} // namespace

void ApiRouter::clusterStart(Call& c) { operate(c, "cluster.start", serversArgs(c.body), kClusterTimeoutMs); }
void ApiRouter::clusterStop(Call& c) { operate(c, "cluster.stop", serversArgs(c.body), kClusterTimeoutMs); }
void ApiRouter::clusterSuspend(Call& c) { operate(c, "cluster.suspend", forceArgs(c.body), kClusterTimeoutMs); }
void ApiRouter::clusterResume(Call& c) { operate(c, "cluster.resume", forceArgs(c.body), kClusterTimeoutMs); }
void ApiRouter::clusterShutdown(Call& c) {
    operate(c, "cluster.shutdown", actionArgs(c.body), kOperationTimeoutMs);
}

void ApiRouter::serverShutdown(Call& call) {
    // lifelined shuts down only its own server: check the name against it first.
    const QString name = call.params.value(0);
    const QJsonObject args = actionArgs(call.body);
    control_.call(QStringLiteral("status"), {{"local", true}}, kReadTimeoutMs,
                  [this, name, args, reply = call.reply](const control::ControlReply& r) {
                      if (!r.ok()) {
                          reply(fromControlError(r));
                          return;
                      }
                      const QString local = r.result.value(QLatin1String("local")).toString();
                      if (!ApiViews::server(r.result, name)) {
                          reply(error(404, QStringLiteral("no server named \"%1\"").arg(name)));
                          return;
                      }
                      if (name != local) {
                          reply(error(400, QStringLiteral("this WebManager runs on %1 and shuts "
                                                          "down only %1; use the WebManager of %2")
                                               .arg(local, name)));
                          return;
                      }
                      Call later{{}, {}, {}, {}, reply};
                      operate(later, QStringLiteral("server.shutdown"), args, kOperationTimeoutMs);
                  });
}

namespace {
// `args` and, when the body names one, the server to act on.
QJsonObject withTarget(QJsonObject args, const QJsonObject& body) {
    if (!targetOf(body).isEmpty())
        args.insert("server", targetOf(body));
    return args;
}
} // namespace

void ApiRouter::groupStart(Call& c) {
    operate(c, "group.start", withTarget({{"group", c.params.value(0)}}, c.body), kOperationTimeoutMs);
}
void ApiRouter::groupStop(Call& c) { operate(c, "group.stop", {{"group", c.params.value(0)}}, kOperationTimeoutMs); }
void ApiRouter::groupMove(Call& c) {
    operate(c, "group.move", withTarget({{"group", c.params.value(0)}}, c.body), kOperationTimeoutMs);
}
void ApiRouter::resourceStart(Call& c) {
    operate(c, "resource.start", withTarget({{"resource", c.params.value(0)}}, c.body), kOperationTimeoutMs);
}
void ApiRouter::resourceStop(Call& c) {
    operate(c, "resource.stop", withTarget({{"resource", c.params.value(0)}}, c.body), kOperationTimeoutMs);
}
void ApiRouter::monitorSuspend(Call& c) { operate(c, "monitor.suspend", {{"monitor", c.params.value(0)}}, kReadTimeoutMs); }
void ApiRouter::monitorResume(Call& c) { operate(c, "monitor.resume", {{"monitor", c.params.value(0)}}, kReadTimeoutMs); }

// --- configuration (ConfigApi) ----------------------------------------------------------

void ApiRouter::getConfiguration(Call& call) {
    control(call, QStringLiteral("config.pull"), {}, kReadTimeoutMs, ConfigApi::pullAnswer);
}

void ApiRouter::postConfiguration(Call& call) {
    QString why;
    const auto args = ConfigApi::pushArgs(call.body, &why);
    if (!args) {
        call.reply(error(400, why));
        return;
    }
    // Staging and committing on every server: a few RPC steps of ConfigDistributor's timeout each.
    control(call, QStringLiteral("config.push"), *args, kClusterTimeoutMs,
            [oneServer = args->contains(QLatin1String("server"))](const QJsonObject& r) {
                return ConfigApi::pushAnswer(r, oneServer);
            });
}

void ApiRouter::getDevices(Call& call) {
    control(call, QStringLiteral("devices"), {{"server", call.params.value(0)}}, kReadTimeoutMs,
            [](const QJsonObject& r) { return envelope(200, r, kOk); });
}

} // namespace lifeline::webmgr
