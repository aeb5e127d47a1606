// The failover-group half of the CommandRouter: clpgrp / clprsc control commands
// and the RPC methods the engines of the servers call on each other.
#include "CommandRouter.h"

#include "ClusterService.h"

#include "ControlServer.h"
#include "RpcServer.h"

namespace lifeline::daemon {

namespace {

// Commands and their request kinds: group.start {group, server?}, group.stop
// {group}, group.move {group, server}, group.clear {group}.
const QList<std::pair<QString, policy::RequestKind>> kGroupCommands{
    {QStringLiteral("start"), policy::RequestKind::Start},
    {QStringLiteral("stop"), policy::RequestKind::Stop},
    {QStringLiteral("move"), policy::RequestKind::Move},
    {QStringLiteral("clear"), policy::RequestKind::Clear},
};

void answer(const control::Responder& r, bool ok, const QString& message) {
    if (ok)
        r.reply({{"message", message}});
    else
        r.fail(message.startsWith(QLatin1String("no ")) ? QStringLiteral("not-found") : QStringLiteral("failed"),
               message);
}

} // namespace

void CommandRouter::registerGroupMethods() {
    using control::Access;
    for (const auto& [name, kind] : kGroupCommands) {
        control_.registerCommand(
            QStringLiteral("group.") + name, Access::Write,
            [this, kind](const control::Request& request, control::Responder r) {
                policy::OperatorRequest op;
                op.kind = kind;
                op.group = request.args.value("group").toString();
                op.server = request.args.value("server").toString();
                // As clpgrp -s without -h: on the server that was asked.
                if (kind == policy::RequestKind::Start && op.server.isEmpty())
                    op.server = service_.localServer();
                if (op.group.isEmpty()) {
                    r.fail(QStringLiteral("bad-request"), QStringLiteral("\"group\" is required"));
                    return;
                }
                service_.groupRequest(op, [r](bool ok, const QString& message) { answer(r, ok, message); });
            });
    }
    for (const bool start : {true, false})
        control_.registerCommand(
            start ? QStringLiteral("resource.start") : QStringLiteral("resource.stop"), Access::Write,
            [this, start](const control::Request& request, control::Responder r) {
                const QString resource = request.args.value("resource").toString();
                if (resource.isEmpty()) {
                    r.fail(QStringLiteral("bad-request"), QStringLiteral("\"resource\" is required"));
                    return;
                }
                service_.resourceRequest(resource, start, request.args.value("server").toString(),
                                         [r](bool ok, const QString& message) { answer(r, ok, message); });
            });

    // clpmonctrl: monitor.suspend / monitor.resume {monitor?} on this server; monitor.reset here
    // and on every reachable server (the escalation counts every server's recovery).
    for (const QString& op : {QStringLiteral("suspend"), QStringLiteral("resume"), QStringLiteral("reset")})
        control_.registerCommand(QStringLiteral("monitor.") + op, Access::Write,
                                 [this, op](const control::Request& request, control::Responder r) {
                                     const QString name = request.args.value("monitor").toString();
                                     QString error;
                                     auto& m = service_.monitors();
                                     const bool ok = op == QLatin1String("suspend") ? m.suspend(name, &error)
                                                     : op == QLatin1String("resume") ? m.resume(name, &error)
                                                                                     : service_.resetMonitorCounters(name, &error);
                                     answer(r, ok, ok ? QStringLiteral("done") : error);
                                 });

    // ---- between servers ----
    // (RpcServer's caller check admits only servers of the configuration.)
    rpcServer_.registerMethod(QStringLiteral("groups.report"),
                              [this](const QJsonObject& params, const QString& peer,
                                             rpc::RpcServer::Responder r) {
                                  service_.acceptGroupTable(peer, params.value("table").toObject());
                                  r.reply();
                              });
    rpcServer_.registerMethod(QStringLiteral("group.failed"),
                              [this](const QJsonObject& params, const QString&,
                                             rpc::RpcServer::Responder r) {
                                  service_.groupFailed(params.value("group").toString(),
                                                       params.value("server").toString());
                                  r.reply();
                              });
    rpcServer_.registerMethod(QStringLiteral("monitors.reset"),
                              [this](const QJsonObject& params, const QString&,
                                             rpc::RpcServer::Responder r) {
                                  QString error;
                                  if (service_.monitors().resetCounters(params.value("monitor").toString(), &error))
                                      r.reply();
                                  else
                                      r.fail(error);
                              });
    rpcServer_.registerMethod(QStringLiteral("groups.get"),
                              [this](const QJsonObject&, const QString&,
                                             rpc::RpcServer::Responder r) {
                                  r.reply({{"table", service_.localGroupTable()}});
                              });
    rpcServer_.registerMethod(QStringLiteral("group.run"),
                              [this](const QJsonObject& params, const QString&,
                                             rpc::RpcServer::Responder r) {
                                  engine::RunRequest request;
                                  QString error;
                                  if (!engine::RunRequest::fromJson(params, &request, &error)) {
                                      r.fail(error);
                                      return;
                                  }
                                  service_.runLocal(request, [this, r](const engine::RunResult& result) {
                                      r.reply({{"result", result.toJson()},
                                               {"table", service_.localGroupTable()}});
                                  });
                              });
    rpcServer_.registerMethod(QStringLiteral("group.request"),
                              [this](const QJsonObject& params, const QString&,
                                             rpc::RpcServer::Responder r) {
                                  policy::OperatorRequest op;
                                  if (!policy::parseRequestKind(params.value("kind").toString(), &op.kind)) {
                                      r.fail(QStringLiteral("unknown request kind"));
                                      return;
                                  }
                                  op.group = params.value("group").toString();
                                  op.server = params.value("server").toString();
                                  service_.groupRequest(op, [r](bool ok, const QString& message) {
                                      if (ok)
                                          r.reply({{"message", message}});
                                      else
                                          r.fail(message);
                                  });
                              });
}

} // namespace lifeline::daemon
