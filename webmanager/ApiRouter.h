#pragma once

#include "ApiMessage.h"
#include "Authenticator.h"
#include "ControlBackend.h"

#include <QJsonObject>
#include <QList>
#include <QStringList>
#include <functional>

namespace lifeline::webmgr {

// /api/v1: the route table, the checks every request passes (client allow-list, body
// limit, authentication, role, CSRF, JSON), the mapping to control commands and the
// result envelope {"result": {"code": 0, "message": ...}} on every answer, errors
// included (code = the HTTP status then). Answers come through `Reply`, possibly later.
class ApiRouter {
public:
    using Reply = std::function<void(const ApiResponse&)>;
    static constexpr qsizetype kMaxBodyBytes = 64 * 1024;
    static inline const QString kOk = QStringLiteral("Command succeeded.");

    ApiRouter(Authenticator& auth, ControlBackend& control);

    void handle(const ApiRequest& request, Reply reply);

    // "GET /api/v1/groups/{name}" for every route (the OpenAPI document must match).
    static QStringList routes();

    // An answer with the envelope; `code` 0 for 2xx.
    static ApiResponse envelope(int status, QJsonObject body, const QString& message);
    static ApiResponse error(int status, const QString& message);

private:
    struct Call {
        ApiRequest request;
        QStringList params; // the {name} parts of the path
        QJsonObject body;
        Authenticator::Identity who;
        Reply reply;
    };
    using Handler = void (ApiRouter::*)(Call&);
    struct Route {
        const char* method;
        const char* pattern;
        Handler handler;
        bool open = false; // needs no authentication (login)
        qsizetype maxBody = kMaxBodyBytes;
    };
    static const QList<Route>& table();
    static bool match(const QString& pattern, const QString& path, QStringList* params);

    // Authentication, CSRF and role; false when it answered the refusal.
    bool admit(Call& call, bool changes, bool logout);
    void noteFailure(const QString& address, int failures);
    // Runs `command` and answers with `view(result)` or the mapped error.
    void control(Call& call, const QString& command, const QJsonObject& args, int timeoutMs,
                 std::function<ApiResponse(const QJsonObject&)> view);
    void operate(Call& call, const QString& command, const QJsonObject& args, int timeoutMs);
    static ApiResponse fromControlError(const control::ControlReply& reply);

    void login(Call&);
    void logout(Call&);
    void session(Call&);
    void getCluster(Call&);
    void getServers(Call&);
    void getServer(Call&);
    void getGroups(Call&);
    void getGroup(Call&);
    void getResource(Call&);
    void getMonitors(Call&);
    void getMonitor(Call&);
    void getAlerts(Call&);
    void events(Call&);
    void metrics(Call&);
    void logsCollect(Call&);
    void logsState(Call&);
    void logsArchive(Call&);
    // Reads an archive from `offset` on into `sink`, part after part, and releases it.
    void pumpArchive(QJsonObject args, qint64 offset, BodySink sink);
    // Only the operator (reading an archive of logs and configuration, though a GET).
    bool operatorOnly(Call& call);
    void clusterStart(Call&);
    void clusterStop(Call&);
    void clusterSuspend(Call&);
    void clusterResume(Call&);
    void clusterShutdown(Call&);
    void serverShutdown(Call&);
    void groupStart(Call&);
    void groupStop(Call&);
    void groupMove(Call&);
    void resourceStart(Call&);
    void resourceStop(Call&);
    void monitorSuspend(Call&);
    void monitorResume(Call&);
    // ConfigApi: the Builder's Get / Apply, and its "Discover…".
    void getConfiguration(Call&);
    void postConfiguration(Call&);
    void getDevices(Call&);

    Authenticator& auth_;
    ControlBackend& control_;
};

} // namespace lifeline::webmgr
