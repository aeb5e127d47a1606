#pragma once

#include "ConfigStaging.h"

#include <QJsonObject>
#include <QObject>
#include <QTimer>

#include <functional>
#include <memory>
#include <optional>

namespace lifeline::control {
class ControlServer;
class Responder;
struct Request;
} // namespace lifeline::control
namespace lifeline::rpc {
class RpcServer;
}

namespace lifeline::daemon {

class ClusterService;

// Alerts of configuration distribution (module "cfmgr", as ExpressCluster's "(cfmgr:0)").
namespace cfalert {
inline constexpr int Uploaded = 801;  // info: a pushed configuration is in use on this server
inline constexpr int Cancelled = 802; // warning: a push was cancelled or rolled back here
} // namespace cfalert

// clpcfctrl --push / --pull (control commands config.push, config.pull) and this
// server's part in a push coordinated by any server (RPC config.stage, config.commit,
// config.rollback, config.abort, config.finish).
//
// The server that receives config.push coordinates: it validates the package, stages
// it on every target server (written and fsynced beside the configuration, nothing in
// use touched), asks ApplyPolicy whether the cluster is in the state the change needs
// (each stage answer carries that server's state), then commits on every target (the
// files renamed into place, the previous kept as clp.conf.bak, and the new
// configuration taken into use by the running service: ClusterService::applyConfig),
// or aborts everywhere. A target that cannot be staged cancels the push; a commit that
// fails on one target rolls the committed ones back. While a push is under way every
// target counts a peer running the other side's configuration as running its own, so
// that servers switching a moment apart are no configuration mismatch.
class ConfigDistributor : public QObject {
    Q_OBJECT
public:
    using Result = std::function<void(bool ok, const QJsonObject& result, const QString& error)>;
    // Calls `server` at `addresses` (the first that answers).
    using PeerCall = std::function<void(const QString& server, const QStringList& addresses,
                                        const QString& method, const QJsonObject& params,
                                        int timeoutMs, Result done)>;

    static constexpr int kStepTimeoutMs = 4000;
    // A staged push whose coordinator fell silent is dropped after this long.
    static constexpr int kStagedLifetimeMs = 30000;

    ConfigDistributor(ClusterService& service, control::ControlServer& control,
                      rpc::RpcServer& rpcServer, PeerCall call, QObject* parent = nullptr);
    ~ConfigDistributor() override;

private:
    struct Push;
    struct Staged {
        QString token;
        QString coordinator;
        bool applied = false;
    };

    void push(const control::Request& request, const control::Responder& responder);
    void pull(const control::Responder& responder);

    // The coordinator's steps.
    void callTarget(const std::shared_ptr<Push>& push, const QString& server, const QString& method,
                    const QJsonObject& params, Result done);
    void afterStage(const std::shared_ptr<Push>& push);
    void afterCommit(const std::shared_ptr<Push>& push);
    void forEachTarget(const std::shared_ptr<Push>& push, const QString& method,
                       const std::function<bool(const QString& server)>& which,
                       std::function<void()> then);
    void end(const std::shared_ptr<Push>& push, QJsonObject result);

    // This server's steps (for a coordinator here or elsewhere).
    void participate(const QString& method, const QJsonObject& params, const QString& from,
                     Result done);
    bool stage(const QJsonObject& params, const QString& from, QJsonObject* result, QString* error);
    bool commit(const QString& token, QString* error);
    bool rollback(const QString& token, QString* error);
    void abort(const QString& token);
    void finish(const QString& token);
    void expire();

    ClusterService& service_;
    PeerCall call_;
    config::ConfigStaging staging_;
    std::optional<Staged> staged_;
    QTimer expiry_;
    std::shared_ptr<Push> push_; // the push this server coordinates now
};

} // namespace lifeline::daemon
