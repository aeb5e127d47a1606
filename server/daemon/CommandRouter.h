#pragma once

#include <QJsonObject>
#include <QObject>
#include <QStringList>

#include <functional>

namespace lifeline::control {
class ControlServer;
}
namespace lifeline::rpc {
class RpcServer;
class RpcClient;
} // namespace lifeline::rpc

namespace lifeline::daemon {

class ClusterService;

// Connects the commands of the control API (clpcl, clpstat, WebManager) and the
// inter-node RPC methods to the cluster service. A command aimed at other
// servers is forwarded to them over RPC and the answers are gathered into one.
class LicenseGate;

class CommandRouter : public QObject {
    Q_OBJECT
public:
    CommandRouter(ClusterService& service, control::ControlServer& control, rpc::RpcServer& rpcServer,
                  rpc::RpcClient& rpcClient, QObject* parent = nullptr);

    // lifelined's start at boot passes the license gate (held back without a license).
    LicenseGate& licenseGate() { return *licenseGate_; }

private:
    using Done = std::function<void(bool ok, const QString& message)>;
    using Result = std::function<void(bool ok, const QJsonObject& result, const QString& error)>;
    void registerControlCommands();
    void registerRpcMethods();
    // Failover groups and resources: clpgrp/clprsc commands and the engine's RPC (GroupCommands.cpp).
    void registerGroupMethods();
    // Runs `operation` ("start", "stop", "restart", "suspend", "resume") here.
    void runLocally(const QString& operation, Done done);
    // Runs `operation` on `server`, here or over RPC, and reports once.
    void runOn(const QString& server, const QString& operation, Done done);
    void callPeer(const QString& server, QStringList addresses, const QString& method,
                  const QJsonObject& params, int timeoutMs, bool retryOthers, Result done);
    QStringList addressesOf(const QString& server) const;

    ClusterService& service_;
    control::ControlServer& control_;
    rpc::RpcServer& rpcServer_;
    rpc::RpcClient& rpcClient_;
    LicenseGate* licenseGate_ = nullptr;
};

} // namespace lifeline::daemon
