#include "ShutdownCoordinator.h"

#include "ClusterService.h"

#include "ControlServer.h"
#include "RpcServer.h"

#include <QTimer>

namespace lifeline::daemon {

namespace {

// One answer per server; `then` gets them once the last is in.
struct Gather {
    QJsonObject servers;
    int pending = 0;
    std::function<void(const QJsonObject& servers)> then;
    void add(const QString& server, bool ok, const QString& message) {
        QJsonObject entry{{"ok", ok}};
        if (!ok)
            entry.insert("message", message.isEmpty() ? QStringLiteral("failed") : message);
        servers.insert(server, entry);
        if (--pending == 0 && then)
            then(servers);
    }
};

} // namespace

ShutdownCoordinator::ShutdownCoordinator(ClusterService& service, control::ControlServer& control,
                                         rpc::RpcServer& rpcServer, PeerCall call, QObject* parent)
    : QObject(parent), service_(service), call_(std::move(call)) {
    using control::Access;
    for (const bool wholeCluster : {true, false})
        control.registerCommand(
            wholeCluster ? QStringLiteral("cluster.shutdown") : QStringLiteral("server.shutdown"), Access::Write,
            [this, wholeCluster](const control::Request& request, control::Responder r) {
                const QString name = request.args.value("action").toString(QStringLiteral("shutdown"));
                const auto action = actionFromName(name);
                if (!action) {
                    r.fail(QStringLiteral("bad-request"),
                           QStringLiteral("\"action\" must be shutdown, reboot or halt, not \"%1\"").arg(name));
                    return;
                }
                if (busy_) {
                    r.fail(QStringLiteral("unavailable"), QStringLiteral("a shutdown is already under way"));
                    return;
                }
                busy_ = true;
                if (wholeCluster)
                    shutDownCluster(*action, r);
                else
                    shutDownServer(*action, r);
            });
    // {action} from the server that runs clpstdn, once every server has stopped.
    rpcServer.registerMethod(QStringLiteral("server.power"),
                             [this](const QJsonObject& params, const QString& peer, rpc::RpcServer::Responder r) {
                                 const auto action = actionFromName(params.value("action").toString());
                                 if (!action) {
                                     r.fail(QStringLiteral("unknown power action"));
                                     return;
                                 }
                                 r.reply({});
                                 powerOffHere(*action, QStringLiteral("clpstdn on %1").arg(peer));
                             });
}

std::optional<PowerControl::Action> ShutdownCoordinator::actionFromName(const QString& name) {
    using Action = PowerControl::Action;
    for (const auto action : {Action::Shutdown, Action::Reboot, Action::Halt})
        if (name == PowerControl::actionName(action))
            return action;
    return std::nullopt;
}

void ShutdownCoordinator::shutDownCluster(PowerControl::Action action, const control::Responder& r) {
    const QString local = service_.localServer();
    QStringList others;
    for (const auto& s : service_.config().serversByPriority())
        if (s.name != local)
            others << s.name;
    auto stopped = std::make_shared<Gather>();
    stopped->pending = int(others.size()) + 1;
    stopped->then = [this, others, action, r, local](const QJsonObject& stoppedServers) {
        // Every server has stopped (or could not be asked): power the others off, then here.
        auto powered = std::make_shared<Gather>();
        powered->then = [this, action, r, local](const QJsonObject& servers) {
            bool ok = true;
            for (const auto& server : servers.keys())
                ok = ok && servers.value(server).toObject().value("ok").toBool();
            r.reply({{"action", PowerControl::actionName(action)}, {"ok", ok}, {"servers", servers}});
            powerOffHere(action, QStringLiteral("clpstdn on %1").arg(local));
        };
        powered->pending = int(others.size()) + 1;
        for (const auto& peer : others) {
            const QJsonObject stop = stoppedServers.value(peer).toObject();
            if (!stop.value("ok").toBool()) {
                powered->add(peer, false, QStringLiteral("not shut down: its cluster service did not stop: %1")
                                              .arg(stop.value("message").toString()));
                continue;
            }
            call_(peer, QStringLiteral("server.power"), {{"action", PowerControl::actionName(action)}},
                  kPowerTimeoutMs, [powered, peer](bool ok, const QJsonObject&, const QString& error) {
                      powered->add(peer, ok, ok ? QString() : QStringLiteral("not shut down: %1").arg(error));
                  });
        }
        powered->add(local, true, {});
    };
    for (const auto& peer : others)
        call_(peer, QStringLiteral("cluster.stop"), {}, kStopTimeoutMs,
              [stopped, peer](bool ok, const QJsonObject&, const QString& error) { stopped->add(peer, ok, error); });
    service_.stop([stopped, local] { stopped->add(local, true, {}); });
}

void ShutdownCoordinator::shutDownServer(PowerControl::Action action, const control::Responder& r) {
    const QString local = service_.localServer();
    // The groups active here, in the configuration's order.
    const auto table = engine::GroupTable::fromJson(service_.localGroupTable());
    QStringList groups;
    for (const auto& g : service_.config().groups)
        if (table.groups.value(g.name).active())
            groups << g.name;
    auto moved = std::make_shared<QJsonArray>();
    moveGroups(groups, moved, [this, moved, action, r, local] {
        service_.stop([this, moved, action, r, local] {
            r.reply({{"action", PowerControl::actionName(action)},
                     {"ok", true},
                     {"servers", QJsonObject{{local, QJsonObject{{"ok", true}}}}},
                     {"groups", *moved}});
            powerOffHere(action, QStringLiteral("clpdown"));
        });
    });
}

void ShutdownCoordinator::moveGroups(QStringList groups, std::shared_ptr<QJsonArray> moved,
                                     std::function<void()> then) {
    if (groups.isEmpty()) {
        then();
        return;
    }
    const QString group = groups.takeFirst();
    service_.groupRequest({policy::RequestKind::Move, group, {}},
                          [this, group, groups, moved, then](bool ok, const QString& message) {
                              moved->append(QJsonObject{{"group", group}, {"ok", ok}, {"message", message}});
                              moveGroups(groups, moved, then);
                          });
}

void ShutdownCoordinator::powerOffHere(PowerControl::Action action, const QString& why) {
    service_.stop([this, action, why] {
        // The answer to the caller leaves first; the alert is stored before the OS goes down.
        QTimer::singleShot(kAnswerFirstMs, this, [this, action, why] {
            service_.alerts().raise(
                Alert::Type::Info, QStringLiteral("cluster"), alert::OperatorShutdown,
                QStringLiteral("Shutting the OS down (%1) after %2: the cluster service has stopped.")
                    .arg(PowerControl::actionName(action), why),
                [this, action](const Alert&) {
                    QString error;
                    if (!service_.power().shutDownOs(action, &error))
                        service_.alerts().error(QStringLiteral("cluster"), alert::OperatorShutdownFailed,
                                                QStringLiteral("The OS could not be shut down (%1): %2")
                                                    .arg(PowerControl::actionName(action), error));
                    busy_ = false;
                });
        });
    });
}

} // namespace lifeline::daemon
