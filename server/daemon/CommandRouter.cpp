#include "CommandRouter.h"

#include "AlertSync.h"
#include "ClusterService.h"
#include "ConfigDistributor.h"
#include "DiscoveryService.h"
#include "LicenseGate.h"
#include "LicenseSync.h"
#include "LogCollector.h"
#include "ShutdownCoordinator.h"
#include "TimeoutRatioSync.h"

#include "ControlServer.h"
#include "RpcClient.h"
#include "RpcServer.h"

#include <QJsonArray>
#include <QJsonDocument>

#include <algorithm>
#include <memory>

namespace lifeline::daemon {

namespace {

constexpr int kRpcTimeoutMs = 3000;

const QStringList kOperations{QStringLiteral("start"), QStringLiteral("stop"),
                              QStringLiteral("restart"), QStringLiteral("suspend"),
                              QStringLiteral("resume")};

// Gathers one answer per server and replies when the last one is in.
struct Gather {
    control::Responder responder;
    QJsonObject servers;
    int pending = 0;
    void add(const QString& server, bool ok, const QString& message) {
        QJsonObject entry{{"ok", ok}};
        if (!ok)
            entry.insert("message", message);
        servers.insert(server, entry);
        if (--pending == 0)
            responder.reply({{"servers", servers}});
    }
};

} // namespace

CommandRouter::CommandRouter(ClusterService& service, control::ControlServer& control,
                             rpc::RpcServer& rpcServer, rpc::RpcClient& rpcClient, QObject* parent)
    : QObject(parent), service_(service), control_(control), rpcServer_(rpcServer),
      rpcClient_(rpcClient) {
    // Every RPC method is for the servers of the configuration this server runs now.
    rpcServer_.setCallerCheck([this](const QString& peer) { return service_.config().server(peer) != nullptr; });
    registerControlCommands();
    registerRpcMethods();
    service_.setPeerCall([this](const QString& server, const QString& method, const QJsonObject& params,
                                int timeoutMs, Result done) {
        // Reports may go to any address; a group step is sent once.
        callPeer(server, addressesOf(server), method, params, timeoutMs,
                 method == QLatin1String("groups.report") || method == QLatin1String("monitors.report"),
                 std::move(done));
    });
    // For idempotent methods: any address of the server may answer.
    const auto anyAddress = [this](const QString& server, const QString& method, const QJsonObject& params,
                                   int timeoutMs, Result done) {
        callPeer(server, addressesOf(server), method, params, timeoutMs, true, std::move(done));
    };
    // Alert synchronisation between the servers' stores.
    auto* alertSync = new AlertSync(
        service_.alerts(),
        [this] {
            QStringList peers;
            for (const auto& s : service_.config().servers)
                if (s.name != service_.localServer())
                    peers << s.name;
            return peers;
        },
        anyAddress, rpcServer_, this);
    connect(&service_, &ClusterService::peerUp, alertSync, &AlertSync::peerUp);
    alertSync->start();
    // clpcfctrl --push/--pull and this server's part in a push (every step is idempotent by token).
    new ConfigDistributor(
        service_, control_, rpcServer_,
        [this](const QString& server, const QStringList& addresses, const QString& method,
               const QJsonObject& params, int timeoutMs,
               Result done) { callPeer(server, addresses, method, params, timeoutMs, true, std::move(done)); },
        this);
    // clplogcc: every server archives its own logs; the requests for the others go over RPC (a
    // repeated logs.collect only leaves an archive that expires unread).
    new LogCollector(service_, control_, rpcServer_, anyAddress, this);
    // clptoratio (the setting is loaded and applied before the cluster service starts).
    new TimeoutRatioSync(service_, control_, rpcServer_, anyAddress, this);
    // clpstdn, clpdown.
    new ShutdownCoordinator(service_, control_, rpcServer_, anyAddress, this);
    // clplcnsc --distribute, clpstat --lic (licenses.put is idempotent).
    licenseGate_ = new LicenseGate(service_, rpcServer_, anyAddress, this);
    new LicenseSync(service_, *licenseGate_, control_, rpcServer_, anyAddress, this);
    // The Builder's "Discover…": NICs and block devices of any server.
    new DiscoveryService(service_, control_, rpcServer_, anyAddress, this);
}

void CommandRouter::runLocally(const QString& operation, Done done) {
    QString error;
    if (operation == QLatin1String("stop")) {
        service_.stop([done] { done(true, {}); });
        return;
    }
    if (operation == QLatin1String("restart")) {
        service_.stop([this, done] {
            QString why;
            const bool ok = service_.start(&why);
            done(ok, why);
        });
        return;
    }
    bool ok = false;
    if (operation == QLatin1String("start"))
        ok = service_.start(&error);
    else if (operation == QLatin1String("suspend"))
        ok = service_.suspend(&error);
    else if (operation == QLatin1String("resume"))
        ok = service_.resume(&error);
    else
        error = QStringLiteral("unknown operation %1").arg(operation);
    done(ok, error);
}

// Interconnect first: the addresses of the server's LAN devices in the order of
// the heartbeats that use them, then its other LAN devices.
QStringList CommandRouter::addressesOf(const QString& server) const {
    return service_.config().lanAddresses(server);
}

void CommandRouter::callPeer(const QString& server, QStringList addresses, const QString& method,
                             const QJsonObject& params, int timeoutMs, bool retryOthers, Result done) {
    if (addresses.isEmpty()) {
        done(false, {}, QStringLiteral("no address of server %1 answers").arg(server));
        return;
    }
    const QString address = addresses.takeFirst();
    rpcClient_.call(address, quint16(service_.config().cluster.internalPort), server, method, params,
                    timeoutMs,
                    [=, this](bool ok, const QJsonObject& result, const QString& error) {
                        // Idempotent methods may try the server's next address
                        // (another LAN) after any failure; the others only when
                        // this address could not be reached at all.
                        const bool unreached = error.contains(QLatin1String("connection refused")) ||
                                               error.contains(QLatin1String("unreachable")) ||
                                               error.contains(QLatin1String("TLS handshake"));
                        if (ok || addresses.isEmpty() || (!retryOthers && !unreached))
                            done(ok, result, error);
                        else
                            callPeer(server, addresses, method, params, timeoutMs, retryOthers, done);
                    });
}

void CommandRouter::runOn(const QString& server, const QString& operation, Done done) {
    if (server == service_.localServer()) {
        runLocally(operation, std::move(done));
        return;
    }
    // Stopping releases the server's groups first: give it the time that takes.
    const int timeoutMs = operation == QLatin1String("stop") || operation == QLatin1String("restart")
                              ? 24 * 3600 * 1000
                              : kRpcTimeoutMs;
    callPeer(server, addressesOf(server), QStringLiteral("cluster.") + operation, {}, timeoutMs, true,
             [done](bool ok, const QJsonObject&, const QString& error) { done(ok, error); });
}

void CommandRouter::registerControlCommands() {
    using control::Access;
    control_.registerCommand(QStringLiteral("status"), Access::Read,
                             [this](const control::Request&, control::Responder r) {
                                 r.reply(service_.status());
                             });
    control_.registerCommand(QStringLiteral("config"), Access::Read,
                             [this](const control::Request&, control::Responder r) {
                                 r.reply({{"xml", service_.document().dom().toString(2)},
                                          {"hash", QString::fromLatin1(service_.document().contentHash().toHex())},
                                          {"generation", 0}});
                             });
    // The cluster-wide alert history of this server's store, newest last (clpstat --alert).
    control_.registerCommand(QStringLiteral("alerts"), Access::Read,
                             [this](const control::Request& request, control::Responder r) {
                                 QString error;
                                 const auto filter = AlertFilter::fromJson(request.args, &error);
                                 if (!filter) {
                                     r.fail(QStringLiteral("bad-request"), error);
                                     return;
                                 }
                                 const bool stored = service_.alerts().hasStore();
                                 service_.alerts().query(*filter, [r, stored](const QList<Alert>& alerts) {
                                     QJsonArray list;
                                     for (const auto& a : alerts)
                                         list.append(a.toJson());
                                     r.reply({{"alerts", list}, {"stored", stored}});
                                 });
                             });
    // clplogcmd: an alert of module "logcmd" raised here (exec and genw scripts use it).
    control_.registerCommand(QStringLiteral("alert.add"), Access::Write,
                             [this](const control::Request& request, control::Responder r) {
                                 QString message = request.args.value("message").toString().simplified();
                                 const auto type = Alert::typeFromName(request.args.value("type").toString(
                                     QStringLiteral("info")));
                                 const int id = request.args.value("id").toInt(alert::LogCommand);
                                 if (message.isEmpty() || message.size() > alert::kLogCommandMaxMessage) {
                                     r.fail(QStringLiteral("bad-request"),
                                            QStringLiteral("the message must have 1 to %1 characters")
                                                .arg(alert::kLogCommandMaxMessage));
                                     return;
                                 }
                                 if (!type || id < 1 || id > alert::kLogCommandMaxId) {
                                     r.fail(QStringLiteral("bad-request"),
                                            QStringLiteral("the level must be info, warning or error and "
                                                           "the event id 1 to %1")
                                                .arg(alert::kLogCommandMaxId));
                                     return;
                                 }
                                 service_.alerts().raise(*type, QStringLiteral("logcmd"), id, message,
                                                         [r](const Alert& a) { r.reply(a.toJson()); });
                             });
    for (const auto& operation : kOperations) {
        control_.registerCommand(
            QStringLiteral("cluster.") + operation, Access::Write,
            [this, operation](const control::Request& request, control::Responder r) {
                QStringList targets;
                const bool clusterWide = operation == QLatin1String("suspend") ||
                                         operation == QLatin1String("resume");
                if (clusterWide || request.args.value("all").toBool()) {
                    for (const auto& s : service_.config().serversByPriority())
                        targets << s.name;
                } else {
                    for (const auto& v : request.args.value("servers").toArray())
                        targets << v.toString();
                    if (targets.isEmpty())
                        targets << service_.localServer();
                }
                for (const auto& t : targets)
                    if (!service_.config().server(t)) {
                        r.fail(QStringLiteral("not-found"),
                               QStringLiteral("no server named \"%1\" in the cluster").arg(t));
                        return;
                    }
                auto gather = std::make_shared<Gather>();
                gather->responder = r;
                gather->pending = int(targets.size());
                // Others first when stopping, so that this server answers to the end.
                if (operation == QLatin1String("stop"))
                    std::stable_partition(targets.begin(), targets.end(), [this](const QString& s) {
                        return s != service_.localServer();
                    });
                for (const auto& t : targets)
                    runOn(t, operation, [gather, t](bool ok, const QString& message) {
                        gather->add(t, ok, message);
                    });
            });
    }
}

void CommandRouter::registerRpcMethods() {
    for (const auto& operation : kOperations)
        rpcServer_.registerMethod(QStringLiteral("cluster.") + operation,
                                  [this, operation](const QJsonObject&, const QString&,
                                                    rpc::RpcServer::Responder r) {
                                      runLocally(operation, [r](bool ok, const QString& error) mutable {
                                          if (ok)
                                              r.reply(QJsonObject{});
                                          else
                                              r.fail(error);
                                      });
                                  });
    registerGroupMethods();
    // A peer's monitor states, answered with ours (ClusterService::pushMonitorStates).
    rpcServer_.registerMethod(QStringLiteral("monitors.report"),
                              [this](const QJsonObject& params, const QString& peer, rpc::RpcServer::Responder r) {
                                  r.reply(service_.acceptMonitorStates(peer, params.value("states").toObject()));
                              });
}

} // namespace lifeline::daemon
