#pragma once

#include "PeerCall.h"

#include <QObject>

namespace lifeline::control {
class ControlServer;
}
namespace lifeline::rpc {
class RpcServer;
}

namespace lifeline::daemon {

class ClusterService;

// Control command `devices {server?}` (WebManager's GET /api/v1/servers/{name}/devices, the
// Builder's "Discover…"): this server answers for itself (Discovery), another server is asked
// over the RPC method `devices`. Read access: names of NICs and disks, no contents.
class DiscoveryService : public QObject {
    Q_OBJECT
public:
    static constexpr int kRpcTimeoutMs = 5000;

    DiscoveryService(ClusterService& service, control::ControlServer& control,
                     rpc::RpcServer& rpcServer, PeerCall call, QObject* parent = nullptr);
};

} // namespace lifeline::daemon
