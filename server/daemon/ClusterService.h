#pragma once

#include "AlertLog.h"
#include "ClusterState.h"
#include "PowerControl.h"

#include "ClusterConfig.h"
#include "ConfigDocument.h"
#include "PartitionPolicy.h"
#include "Paths.h"

#include <QHash>
#include <QJsonObject>
#include <QObject>
#include <QThread>
#include <QTimer>

#include <memory>

namespace lifeline::np {
class PingProber;
class PartitionResolver;
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
    };

    explicit ClusterService(Setup setup, QObject* parent = nullptr);
    ~ClusterService() override;

    // Starts the heartbeats and the server sync wait; Online when every server is
    // heard or the wait is over.
    bool start(QString* error);
    void stop();
    bool suspend(QString* error);
    bool resume(QString* error);
    // Multiplies the heartbeat timeout (and what derives from it) by `ratio` > 0:
    // the mechanism behind clptoratio.
    void setTimeoutRatio(double ratio);
    double timeoutRatio() const { return timeoutRatio_; }

    ClusterState state() const { return state_; }
    const config::ClusterConfig& config() const { return config_; }
    const config::ConfigDocument& document() const { return document_; }
    QString localServer() const { return local_; }
    AlertLog& alerts() { return alerts_; }

    QJsonObject status() const; // the `status` schema of server/control/PROTOCOL.md

signals:
    void stateChanged(lifeline::daemon::ClusterState state);

private:
    void setState(ClusterState state);
    void checkSyncComplete();
    void onPeerUp(const QString& peer);
    void onPeerDown(const QString& peer, bool graceful);
    void onPathStateChanged(const QString& peer, const QString& path, bool normal);
    void onPeerConfigHash(const QString& peer, const QByteArray& hash);
    void onPeerState(const QString& peer, int state);
    void onPartitionResolved(const policy::PartitionDecision& decision, const QStringList& lost);
    void performFinalAction(int code, const QString& reason);
    QStringList reachablePeers() const;
    QStringList peers() const;
    int effectiveTimeoutMs() const { return int(config_.cluster.heartbeatTimeoutMs * timeoutRatio_); }
    void stopHeartbeats(bool graceful);

    config::Paths paths_;
    QString local_;
    config::ClusterConfig config_;
    config::ConfigDocument document_;
    QByteArray configHash_;
    QByteArray heartbeatKey_;
    std::unique_ptr<PowerControl> power_;
    AlertLog alerts_;
    quint64 incarnation_;

    ClusterState state_ = ClusterState::Stopped;
    QThread heartbeatThread_;
    cluster::HeartbeatManager* heartbeats_ = nullptr; // lives on heartbeatThread_
    std::unique_ptr<np::PingProber> prober_;
    std::unique_ptr<np::PartitionResolver> resolver_;
    QTimer syncWait_;

    struct Peer {
        bool up = false;
        bool everHeard = false;
        int state = -1;      // the state code its heartbeats carry
        QByteArray configHash;
        QHash<QString, bool> paths; // path name -> Normal
    };
    QHash<QString, Peer> peers_;
    QList<QJsonObject> verdicts_;
    double timeoutRatio_ = 1.0;
};

} // namespace lifeline::daemon
