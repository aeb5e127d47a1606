#pragma once

#include "AlertLog.h"
#include "ClusterState.h"
#include "FailoverTimes.h"
#include "MonitorStates.h"
#include "PowerControl.h"

#include "GroupCoordinator.h"
#include "GroupExecutor.h"
#include "GroupView.h"
#include "KeepaliveClient.h"
#include "MonitorRunner.h"

#include "ApplyPolicy.h"
#include "ClusterConfig.h"
#include "ConfigDocument.h"
#include "PartitionPolicy.h"
#include "Paths.h"

#include <QElapsedTimer>
#include <QHash>
#include <QSet>
#include <QJsonObject>
#include <QObject>
#include <QThread>
#include <QTimer>

#include <memory>

namespace lifeline::np {
class PingProber;
class DiskLock;
class PartitionResolver;
class IsolationWatch;
} // namespace lifeline::np
namespace lifeline::cluster {
class HeartbeatManager;
}

namespace lifeline::daemon {

// The cluster service of one server: its lifecycle (start with the server sync
// wait, stop, suspend, resume), what it does when servers come and go (alerts,
// partition resolution, the NP action), and its view of the cluster for
// `clpstat`. Heartbeats run on their own thread; everything here runs on the
// main thread and never waits for anything slow.
class ClusterService : public QObject {
    Q_OBJECT
public:
    struct Setup {
        config::Paths paths;
        QString local;
        config::ClusterConfig config;
        config::ConfigDocument document;
        QByteArray heartbeatKey;
        std::unique_ptr<PowerControl> power;
        QString powerOption; // --power as given (real | sandbox:CMD), for the keepalive supervisor
    };

    explicit ClusterService(Setup setup, QObject* parent = nullptr);
    ~ClusterService() override;

    // Calls another server over RPC (set by the CommandRouter, which owns the client).
    using PeerCall = std::function<void(const QString& server, const QString& method,
                                        const QJsonObject& params, int timeoutMs,
                                        std::function<void(bool ok, const QJsonObject& result,
                                                           const QString& error)>)>;
    void setPeerCall(PeerCall call) { peerCall_ = std::move(call); }
    // Asked before every start (the license gate): false and *why refuse it.
    void setStartCheck(std::function<bool(QString* why)> check) { startCheck_ = std::move(check); }

    // Starts the heartbeats and the server sync wait; Online when every server is
    // heard or the wait is over.
    bool start(QString* error);
    // Releases every group active here (no failover: the operator stops them),
    // then leaves the cluster; `done` once stopped.
    void stop(std::function<void()> done = {});
    bool suspend(QString* error);
    bool resume(QString* error);
    // Multiplies the heartbeat timeout (and what derives from it) and every monitor timeout
    // (userw's keepalive supervisor included) by `ratio` > 0: the mechanism behind clptoratio.
    void setTimeoutRatio(double ratio);
    double timeoutRatio() const { return timeoutRatio_; }

    ClusterState state() const { return state_; }
    const config::ClusterConfig& config() const { return config_; }
    const config::ConfigDocument& document() const { return document_; }
    QString localServer() const { return local_; }
    const config::Paths& paths() const { return paths_; }
    AlertLog& alerts() { return alerts_; }
    PowerControl& power() { return *power_; } // clpstdn, clpdown (ShutdownCoordinator)

    QJsonObject status() const; // the `status` schema of server/control/PROTOCOL.md

    // ---- failover groups (engine) ----
    using Reply = engine::GroupCoordinator::Reply;
    // An operator request (clpgrp): carried out by the leader, here or over RPC.
    void groupRequest(policy::OperatorRequest request, Reply reply);
    // Starts or stops one resource (clprsc) on `server` (empty: where its group is, else here).
    void resourceRequest(const QString& resource, bool start, const QString& server, Reply reply);
    // RPC entry points of the other servers' engines.
    void runLocal(const engine::RunRequest& request, engine::GroupExecutor::Done done);
    void acceptGroupTable(const QString& server, const QJsonObject& table);
    // This server's group table as the other servers get it, with the groups it saw lost ("lost").
    QJsonObject localGroupTable() const;
    QString leader() const;
    // A monitor asks for `group` to leave `server` (at the leader: recorded, then failed over).
    void groupFailed(const QString& group, const QString& server);
    engine::MonitorRunner& monitors() { return monitors_; }
    // clpmonctrl -c: resets the recovery counters of `monitor` (empty: all) here and asks every
    // reachable server to do the same (the escalation adds up every server's counters).
    bool resetMonitorCounters(const QString& monitor, QString* error);
    // RPC monitors.report: `server`'s monitor states {monitor: state}; answers ours.
    QJsonObject acceptMonitorStates(const QString& server, const QJsonObject& states);
    // The failovers this server measured (detection and takeover durations), for `status`.
    const FailoverTimes& failoverTimes() const { return failoverTimes_; }

    // ---- configuration distribution (clpcfctrl --push; ClusterServiceConfig.cpp) ----
    QByteArray configHash() const { return configHash_; }
    // This server's part of the state ApplyPolicy checks an upload against.
    policy::ApplyState localApplyState() const;
    // Runs `next` from now on (the caller checked with ApplyPolicy that this state
    // allows the change): new groups and monitors appear, changed ones that are
    // stopped or suspended are rebuilt, running groups are not touched, and the
    // heartbeats and network partition resolution are set up again when they changed.
    void applyConfig(config::ClusterConfig next, config::ConfigDocument document);
    // During a push the servers switch one after the other: until it ends, a peer
    // running `otherHash` (the other side of the switch) counts as running ours.
    void beginConfigTransition(const QByteArray& otherHash);
    void endConfigTransition();

signals:
    void stateChanged(lifeline::daemon::ClusterState state);
    void peerUp(const QString& peer); // a server is heard (again): AlertSync fetches its alerts

private:
    void setState(ClusterState state);
    void checkSyncComplete();
    void onPeerUp(const QString& peer);
    void onPeerDown(const QString& peer, bool graceful);
    void onPathStateChanged(const QString& peer, const QString& path, bool normal);
    void checkNetworkPaths(const QString& peer);
    QStringList nonNetworkPathsOnly(const QString& peer) const;
    void onPeerConfigHash(const QString& peer, const QByteArray& hash);
    void onPeerState(const QString& peer, int state);
    void onPartitionResolved(const policy::PartitionDecision& decision, const QStringList& lost);
    void onIsolatedEarly(policy::PartitionDecision decision, const QStringList& silent, qint64 lastContactMs);
    void enforceIsolation();
    policy::TakeoverTimings takeoverTimings() const;
    void performFinalAction(int code, const QString& reason);
    void stopNow(bool graceful);
    QStringList eligibleServers() const;
    QStringList downServers() const;
    void evaluateSoon();
    void evaluateGroups();
    void pushGroupTable();
    void pushMonitorStates();
    QJsonObject localMonitorStates() const;
    void noteGroupsOnline(const QString& server, const engine::GroupTable& table);
    bool heldAnywhere(const QString& group) const;
    void forgetHeldLostGroups();
    QHash<QString, QString> lostGroupsNow() const;
    void dispatch(const QString& server, const engine::RunRequest& request,
                  std::function<void(const engine::RunResult&)> done);
    void raiseEngineAlert(engine::AlertType type, const QString& module, int id, const QString& message);
    void runMonitorRecovery(const QString& monitor, policy::MonitorStep step, const QString& reason);
    void monitorFinalAction(const config::Monitor& monitor, const QString& group, const QString& resource,
                            const QString& reason);
    void runPreAction(const config::Monitor& monitor, const QString& reason, std::function<void()> then);
    void startKeepalive();
    void checkFrozen();
    QStringList reachablePeers() const;
    QStringList peers() const;
    int effectiveTimeoutMs() const { return int(config_.cluster.heartbeatTimeoutMs * timeoutRatio_); }
    void stopHeartbeats(bool graceful);
    void createHeartbeats();
    void setUpPartitionResolution();
    void replaceHeartbeats(quint64 lastSequence); // ClusterServiceConfig.cpp
    void announceConfigDifferences(const QHash<QString, bool>& sameBefore);
    bool sameConfig(const QByteArray& hash) const {
        return hash == configHash_ || (!transitionHash_.isEmpty() && hash == transitionHash_);
    }

    config::Paths paths_;
    QString local_;
    config::ClusterConfig config_;
    config::ConfigDocument document_;
    QByteArray configHash_;
    QByteArray transitionHash_;  // the other side's configuration during a push (sameConfig)
    QSet<QString> quietPeerUp_;  // peers a replaced heartbeat manager announces again: no alert
    QByteArray heartbeatKey_;
    std::unique_ptr<PowerControl> power_;
    AlertLog alerts_;
    quint64 incarnation_;

    ClusterState state_ = ClusterState::Stopped;
    QThread heartbeatThread_;
    cluster::HeartbeatManager* heartbeats_ = nullptr; // lives on heartbeatThread_
    std::unique_ptr<np::PingProber> prober_;
    std::unique_ptr<np::DiskLock> diskLock_; // disknp: the tie-breaker on the shared disk
    std::unique_ptr<np::PartitionResolver> resolver_;
    std::unique_ptr<np::IsolationWatch> isolationWatch_; // pingnp: checks before the timeout
    QTimer isolationFence_; // an isolated server not down by then resets itself
    QTimer syncWait_;

    struct Peer {
        bool up = false;
        bool everHeard = false;
        int state = -1;      // the state code its heartbeats carry
        QByteArray configHash;
        QHash<QString, bool> paths; // path name -> Normal
        bool nonNetworkOnly = false; // heard, but over disk/COM paths only (alert 104 said)
    };
    QHash<QString, Peer> peers_;
    QList<QJsonObject> verdicts_;
    double timeoutRatio_ = 1.0;

    PeerCall peerCall_;
    std::function<bool(QString*)> startCheck_;
    engine::GroupExecutor executor_;
    engine::GroupView view_;
    engine::GroupCoordinator coordinator_;
    engine::MonitorRunner monitors_;
    QString powerOption_;
    monitors::KeepaliveClient keepalive_; // userw: pets lifeline-keepalive from this event loop
    QTimer freezeCheck_;                  // notices that this process itself was stalled
    QElapsedTimer lastAwake_;
    quint64 heartbeatsSent_ = 0;
    QSet<QString> down_;          // peers known down: partition resolution agreed, or they left
    bool stopping_ = false;
    int pingCheckMs_ = 1000;      // how long a fresh ping check may take (partition resolution)
    int stopGeneration_ = 0;      // timers armed before a stop do nothing after it
    QList<std::function<void()>> stopWaiters_;
    QTimer evaluateTimer_;        // coalesces evaluations on the event loop
    QTimer periodic_;             // re-sends the group table and re-evaluates now and then
    MonitorStates monitorStates_; // the other servers' monitors, as they last reported them
    QTimer monitorPush_;          // coalesces the pushes of our monitor states after changes
    FailoverTimes failoverTimes_;
    // Groups a lost server held (heartbeat timeout) that no server has held since: if it comes
    // back holding nothing before it is taken over (a quick restart), they still want to run.
    // Carried in the group tables: the server that came back may be the one that decides.
    // Each server forgets its own marks once a reachable server holds the group.
    QHash<QString, QString> lostGroups_;                     // group -> the lost server
    QHash<QString, QHash<QString, QString>> peerLostGroups_; // each peer's, as it reported them
    QSet<QString> lostOverridden_; // an operator decided such a group here since
};

} // namespace lifeline::daemon
