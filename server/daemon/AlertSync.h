#pragma once

#include "Alert.h"
#include "PeerCall.h"

#include <QHash>
#include <QJsonObject>
#include <QList>
#include <QObject>
#include <QStringList>
#include <QTimer>

#include <functional>

namespace lifeline::rpc {
class RpcServer;
}

namespace lifeline::daemon {

class AlertLog;

// Keeps every server's alert store complete: each server numbers its own alerts (server, seq),
// and a server fetches from a peer what it lacks — the alerts above its highest number of
// each server (`alerts.since`) — when the peer comes up, at start and every kPullIntervalMs.
// New alerts are also pushed to the reachable peers at once (`alerts.push`); a peer takes a
// push only when it follows on what it has of that server, else it fetches the gap first.
// Inserting is idempotent (UNIQUE(server, seq)), so repeats and crossing transfers are harmless.
// Alerts of a third server travel too: a server that was down learns them from anyone.
class AlertSync : public QObject {
    Q_OBJECT
public:
    static constexpr int kPullIntervalMs = 30 * 1000;
    static constexpr int kBatch = 500;      // alerts per answer (well under the 4 MiB RPC frame)
    static constexpr int kPushQueue = 1000; // unsent alerts kept per peer; more are fetched
    static constexpr int kTimeoutMs = 5000;

    // `peers`: the other servers of the running configuration.
    AlertSync(AlertLog& alerts, std::function<QStringList()> peers, PeerCall call,
              rpc::RpcServer& rpcServer, QObject* parent = nullptr);

    // Fetches from every peer now, then periodically.
    void start();
    // A peer is heard (again): fetch what it has that is missing here, and push to it again.
    void peerUp(const QString& peer);

private:
    void registerMethods(rpc::RpcServer& rpcServer);
    void pull(const QString& peer);
    void pullNext(const QString& peer);
    void onStored(const Alert& alert);
    void push(const QString& peer);

    AlertLog& alerts_;
    std::function<QStringList()> peers_;
    PeerCall call_;
    QTimer periodic_;
    struct Peer {
        bool pulling = false;
        bool pullAgain = false;
        bool pushing = false;
        bool unreachable = false; // its last call failed: no pushes until it is heard again
        QList<Alert> queue;       // alerts raised here not yet pushed to it
    };
    QHash<QString, Peer> state_;
};

} // namespace lifeline::daemon
