#include "DiscoveryService.h"

#include "ClusterService.h"
#include "Discovery.h"

#include "ControlServer.h"
#include "RpcServer.h"

namespace lifeline::daemon {

DiscoveryService::DiscoveryService(ClusterService& service, control::ControlServer& control,
                                   rpc::RpcServer& rpcServer, PeerCall call, QObject* parent)
    : QObject(parent) {
    control.registerCommand(
        QStringLiteral("devices"), control::Access::Read,
        [&service, call](const control::Request& request, control::Responder r) {
            const QString server = request.args.value("server").toString(service.localServer());
            if (!service.config().server(server)) {
                r.fail(QStringLiteral("not-found"),
                       QStringLiteral("no server named \"%1\" in the cluster").arg(server));
                return;
            }
            if (server == service.localServer()) {
                QJsonObject out = Discovery::collect();
                out.insert("server", server);
                r.reply(out);
                return;
            }
            call(server, QStringLiteral("devices"), {}, kRpcTimeoutMs,
                 relayTo(r, server));
        });
    rpcServer.registerMethod(QStringLiteral("devices"),
                             [](const QJsonObject&, const QString&, rpc::RpcServer::Responder r) {
                                 r.reply(Discovery::collect());
                             });
}

} // namespace lifeline::daemon
