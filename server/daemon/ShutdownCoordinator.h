#pragma once

#include "PeerCall.h"
#include "PowerControl.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QObject>
#include <QStringList>

#include <functional>
#include <memory>
#include <optional>

namespace lifeline::control {
class ControlServer;
class Responder;
} // namespace lifeline::control
namespace lifeline::rpc {
class RpcServer;
}

namespace lifeline::daemon {

class ClusterService;

// clpstdn and clpdown: an operator shuts the cluster, or this server, down with its OS
// (control commands cluster.shutdown and server.shutdown {action}; RPC server.power).
//
//   cluster.shutdown  every server stops its cluster service, the others first (each
//                     releases its groups, resources in reverse dependency order, and
//                     leaves: a planned stop, nothing fails over); once all have stopped,
//                     each other server is told to power off, then the answer goes to the
//                     command and this server powers off last.
//   server.shutdown   the groups active here are moved to the next server of their list,
//                     one after the other (a group with nowhere to go stops with the
//                     service), then the cluster service here stops and the OS goes down.
//
// The action is PowerControl::shutDownOs: Shutdown (power off, the default), Reboot (-r)
// or Halt (-h). Each server raises alert 403 and performs it once the alert is stored.
class ShutdownCoordinator : public QObject {
    Q_OBJECT
public:
    static constexpr int kStopTimeoutMs = 24 * 3600 * 1000; // stopping waits for the groups
    static constexpr int kPowerTimeoutMs = 5000;
    static constexpr int kAnswerFirstMs = 200; // the answer leaves before the power action

    ShutdownCoordinator(ClusterService& service, control::ControlServer& control,
                        rpc::RpcServer& rpcServer, PeerCall call, QObject* parent = nullptr);

    // "shutdown", "reboot", "halt" -> the action; nothing for anything else.
    static std::optional<PowerControl::Action> actionFromName(const QString& name);

private:
    void shutDownCluster(PowerControl::Action action, const control::Responder& r);
    void shutDownServer(PowerControl::Action action, const control::Responder& r);
    // Moves `groups` one after the other; each outcome is appended to `moved`.
    void moveGroups(QStringList groups, std::shared_ptr<QJsonArray> moved, std::function<void()> then);
    // Stops the cluster service here, then (after kAnswerFirstMs) performs `action`.
    void powerOffHere(PowerControl::Action action, const QString& why);

    ClusterService& service_;
    PeerCall call_;
    bool busy_ = false; // one shutdown at a time
};

} // namespace lifeline::daemon
