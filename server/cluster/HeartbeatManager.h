#pragma once

#include "ClusterConfig.h"
#include "CrossPathGate.h"
#include "HeartbeatInbox.h"
#include "MembershipSnapshot.h"
#include "MembershipTracker.h"

#include <QByteArray>
#include <QHash>
#include <QMutex>
#include <QObject>
#include <QString>
#include <QStringList>
#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <vector>

class QTimer;

namespace lifeline::hb {
class HeartbeatPath;
}

namespace lifeline::cluster {

// Sends this server's heartbeat on every configured path and turns what it hears into the
// membership view (MembershipTracker). Meant to live in a QThread of its own, so that slow
// work elsewhere never delays a heartbeat; nothing it does blocks. The daemon does:
//
//     auto* manager = new HeartbeatManager(config, name, key, hash, incarnation);
//     manager->moveToThread(&heartbeatThread);
//     heartbeatThread.start();
//     connect(manager, &HeartbeatManager::peerDown, this, ..., Qt::QueuedConnection);
//     manager->start();                 // waits until the paths are open
//     ...
//     manager->stop(true);              // waits; peers see a graceful stop
//     heartbeatThread.quit(); heartbeatThread.wait(); delete manager;
//
// Every public method may be called from any thread: start() and stop() wait for the heartbeat
// thread, the setters are queued to it, snapshot() copies under a mutex. Signals are emitted on
// the heartbeat thread (connect them queued, or directly to thread-safe code).
//
// One packet per interval (QTimer::PreciseTimer) is sent on every path with the same sequence
// number; timeouts are judged every checkPeriod() = min(interval / 4, 50 ms) on a monotonic
// clock, and also at the moment the next one is due when that comes sooner (a dead peer is
// reported about a millisecond after timeout, not up to a check period later), always after
// reading what the sockets hold.
class HeartbeatManager : public QObject {
    Q_OBJECT
public:
    using Clock = std::chrono::steady_clock;
    static constexpr int kLeavingPackets = 2; // sent back to back on every path by stop(true)
    static constexpr std::chrono::milliseconds kReopenPeriod{1000};

    // `key`: the cluster heartbeat key (ClusterKey::deriveKey("heartbeat")); `configHash`:
    // SHA-256 of this server's configuration (32 bytes); `incarnation`: this process's
    // HeartbeatPacket::newIncarnation(). One path per heartbeat resource of a supported type
    // that this server has the device of; the rest is listed in setupIssues().
    HeartbeatManager(const config::ClusterConfig& config, const QString& localServer,
                     const QByteArray& key, const QByteArray& configHash, quint64 incarnation,
                     QObject* parent = nullptr);
    ~HeartbeatManager() override;

    // Opens every path and starts sending; true when every path opened. A path that cannot be
    // opened (its address is not up yet, the port is taken) is retried every kReopenPeriod and
    // reported by pathError().
    bool start();
    // Stops sending and closes the paths. `graceful`: first tell the peers this server is
    // leaving, so they mark it down at once without treating it as a failure.
    void stop(bool graceful);
    // The state carried in the packets (HeartbeatPacket::State); a change is sent at once.
    void setLocalState(quint8 state);
    // false: keep listening but send nothing (peers will find this server down).
    void setSending(bool sending);
    // Multiplies the configured timeout (clptoratio); ratio > 0.
    void setTimeoutRatio(double ratio);
    // The configuration was replaced (clpcfctrl --push): packets carry `hash` from now on
    // (sent at once).
    void setConfigHash(const QByteArray& hash);
    // Before start(): number packets after `sequence`, so that a manager replacing another
    // one of the same incarnation is not taken for a replay by the peers.
    void continueSequence(quint64 sequence);

    MembershipSnapshot snapshot() const;
    QStringList setupIssues() const;
    QStringList peers() const { return peers_; }
    std::chrono::milliseconds interval() const { return interval_; }
    std::chrono::milliseconds checkPeriod() const;

signals:
    void peerUp(const QString& peer);
    // graceful: the peer announced its stop (it left); otherwise every path timed out, it
    // restarted without leaving, or it was never heard within the timeout after start().
    void peerDown(const QString& peer, bool graceful);
    void pathStateChanged(const QString& peer, const QString& path, bool normal);
    // The peer's configuration hash, when first heard after it came up or when it changes.
    void peerConfigHash(const QString& peer, const QByteArray& hash);
    // The peer's HeartbeatPacket::State, when first heard after it came up or when it changes.
    void peerStateChanged(const QString& peer, int state);
    // A path could not be opened (the message names the address and port), or an open path's
    // transport failed (hb::HeartbeatPath::transportFailed: once per failure, not per retry).
    void pathError(const QString& path, const QString& message);

private:
    struct PathSlot {
        hb::HeartbeatPath* path = nullptr; // child of the manager
        std::unique_ptr<hb::HeartbeatInbox> inbox;
        bool open = false;
        QString error;
        bool failing = false; // the open transport reported a failure and has not recovered
        Clock::time_point nextOpenAttempt;
        QList<hb::HeartbeatInbox::Verdict> warned; // rejections already logged once
        // Per peer: the source (connection) and incarnation of its last current packet on this
        // path; only that source's kernelAlive counts (anybody can open a connection).
        QHash<QString, std::pair<QString, quint64>> provenSources;
    };
    struct PeerInfo {
        QByteArray configHash;
        int state = -1;
        bool hashAnnounced = false;
        bool stateAnnounced = false;
    };
    struct PeerAnnouncement {
        QString peer;
        std::optional<QByteArray> configHash;
        std::optional<int> state;
    };

    bool runBlocking(const std::function<void()>& call);
    void runQueued(const std::function<void()>& call);
    bool startHere();
    void stopHere(bool graceful);
    bool tryOpen(PathSlot& slot, Clock::time_point now);
    void sendPacket(quint8 flags);
    void onSendTick();
    void onCheckTick();
    void onDatagram(size_t index, const QByteArray& datagram, const QString& source,
                    const QString& peer);
    void noteRejected(size_t index, hb::HeartbeatInbox::Verdict verdict, const QString& source);
    void onTransportFailed(size_t index, const QString& message);
    void onTransportRecovered(size_t index);
    void onKernelAlive(size_t index, const QString& peer, const QString& source, qint64 ackAgeMs);
    // Under the mutex: the bookkeeping the events imply.
    void applyLocked(const QList<MembershipEvent>& events);
    void emitAll(const QList<MembershipEvent>& events, const PeerAnnouncement& announcement);
    std::chrono::milliseconds effectiveTimeout() const;
    std::unique_ptr<MembershipTracker> makeTracker(Clock::time_point start) const;

    const QString clusterName_;
    const QString localServer_;
    const QByteArray key_;
    QByteArray configHash_; // written on the heartbeat thread only
    const quint64 incarnation_;
    const std::chrono::milliseconds interval_;
    const std::chrono::milliseconds timeout_;
    QStringList peers_;
    QStringList setupIssues_;
    QTimer* sendTimer_;
    QTimer* checkTimer_;
    QTimer* expiryTimer_; // single shot: the next timeout, when it ends before the next check
    bool encodeFailureLogged_ = false;

    mutable QMutex mutex_; // guards everything below (read by snapshot() on other threads)
    std::vector<PathSlot> paths_;
    hb::CrossPathGate gate_; // skew: one interval (copies of a packet are sent together)
    std::unique_ptr<MembershipTracker> tracker_;
    QHash<QString, PeerInfo> peerInfo_;
    quint64 sequence_ = 0;
    quint8 localState_ = 0;
    bool running_ = false;
    bool sending_ = true;
    double timeoutRatio_ = 1.0;
};

} // namespace lifeline::cluster
