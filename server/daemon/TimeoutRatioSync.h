#pragma once

#include "PeerCall.h"
#include "TimeoutRatio.h"

#include <QObject>
#include <QSet>
#include <QTimer>

#include <functional>

namespace lifeline::control {
class ControlServer;
}
namespace lifeline::rpc {
class RpcServer;
}

namespace lifeline::daemon {

class ClusterService;

// clptoratio across the cluster (control commands timeoutratio.set, timeoutratio.reset,
// timeoutratio.show; RPC timeoutratio.offer) and its effect here (ClusterService::
// setTimeoutRatio: heartbeats, monitors, the keepalive supervisor).
//
// A change is made here (a new record, TimeoutRatio) and offered to every other server of
// the configuration; each takes it when it is greater than its own and answers with the
// record it holds, so the caller also learns a greater one. A server that does not answer
// is offered the record again every kRetryMs, and whenever it is heard (again) the two
// servers exchange their records (ClusterService::peerUp): a server that was down or not
// started during a change learns it when it joins, and one that kept a setting over its own
// restart passes it on — or learns that it was reset meanwhile.
class TimeoutRatioSync : public QObject {
    Q_OBJECT
public:
    static constexpr int kTimeoutMs = 3000;
    static constexpr int kRetryMs = 10000;

    // Loads the setting of <state dir>/timeoutratio.json and applies it to `service`.
    TimeoutRatioSync(ClusterService& service, control::ControlServer& control,
                     rpc::RpcServer& rpcServer, PeerCall call, QObject* parent = nullptr);

private:
    void registerCommands(control::ControlServer& control);
    void registerMethods(rpc::RpcServer& rpcServer);
    // Offers our record to every other server; `done` gets {server: {ok, message?}}.
    void distribute(std::function<void(const QJsonObject& servers)> done);
    void offerTo(const QString& peer, std::function<void(bool ok, const QString& error)> done);
    QStringList peers() const;

    ClusterService& service_;
    PeerCall call_;
    TimeoutRatio ratio_;
    QSet<QString> undelivered_; // peers that have not answered an offer of the current record
    QTimer retry_;
};

} // namespace lifeline::daemon
