#include "CommandRouter.h"

#include "ClusterService.h"

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
    registerControlCommands();
    registerRpcMethods();
    service_.setPeerCall([this](const QString& server, const QString& method, const QJsonObject& params,
                                int timeoutMs, Result done) {
        // Reports may go to any address; a group step is sent once.
        callPeer(server, addressesOf(server), method, params, timeoutMs,
                 method == QLatin1String("groups.report"), std::move(done));
    });
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
    const auto& cfg = service_.config();
    const auto* s = cfg.server(server);
    if (!s)
        return {};
    auto heartbeats = cfg.heartbeats;
    std::stable_sort(heartbeats.begin(), heartbeats.end(),
                     [](auto& a, auto& b) { return a.priority < b.priority; });
    QStringList out;
    auto add = [&](const config::Device* d) {
        if (!d || d->type != QLatin1String("lan"))
            return;
        const QString address = d->info.section('/', 0, 0);
        if (!out.contains(address))
            out << address;
    };
    for (const auto& hb : heartbeats)
        add(s->device(hb.deviceId));
    for (const auto& d : s->devices)
        add(&d);
    return out;
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
    control_.registerCommand(QStringLiteral("alerts"), Access::Read,
                             [this](const control::Request&, control::Responder r) {
                                 QJsonArray list;
                                 for (const auto& a : service_.alerts().recent())
                                     list.append(a.toJson());
                                 r.reply({{"alerts", list}});
                             });
    // The mechanism of clptoratio (the command comes with the operations issue):
    // {"ratio": 3} on this server; cluster-wide distribution comes with it.
    control_.registerCommand(QStringLiteral("cluster.timeoutratio"), Access::Write,
                             [this](const control::Request& request, control::Responder r) {
                                 const double ratio = request.args.value("ratio").toDouble();
                                 if (ratio <= 0) {
                                     r.fail(QStringLiteral("bad-request"),
                                            QStringLiteral("ratio must be a number above 0"));
                                     return;
                                 }
                                 service_.setTimeoutRatio(ratio);
                                 r.reply({{"ratio", ratio}});
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
                                  [this, operation](const QJsonObject&, const QString& peer,
                                                    rpc::RpcServer::Responder r) {
                                      // A valid certificate proves membership of the
                                      // cluster key, not of this configuration.
                                      if (!service_.config().server(peer)) {
                                          r.fail(QStringLiteral("%1 is not a server of this cluster's configuration").arg(peer));
                                          return;
                                      }
                                      runLocally(operation, [r](bool ok, const QString& error) mutable {
                                          if (ok)
                                              r.reply(QJsonObject{});
                                          else
                                              r.fail(error);
                                      });
                                  });
    registerGroupMethods();
}

} // namespace lifeline::daemon
