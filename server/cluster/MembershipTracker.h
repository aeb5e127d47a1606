#pragma once

#include <QHash>
#include <QList>
#include <QString>
#include <QStringList>
#include <chrono>
#include <optional>

namespace lifeline::cluster {

enum class PeerStatus { Unknown, Up, Down };
enum class PathStatus { Unknown, Normal, Offline };

// For messages and logs.
QString describe(PeerStatus status);
QString describe(PathStatus status);

// A change the tracker found; HeartbeatManager turns these into signals.
struct MembershipEvent {
    enum class Kind { PeerUp, PeerDown, PathChanged };
    // Why a peer is down.
    enum class Cause {
        Timeout,    // every path went silent
        Left,       // it announced its stop (graceful)
        Restarted,  // a new incarnation answered before the old one timed out
        NeverHeard, // nothing within the timeout after the tracker started
    };
    Kind kind;
    QString peer;
    QString path;                 // PathChanged
    bool normal = false;          // PathChanged: Normal (true) or Offline (false)
    Cause cause = Cause::Timeout; // PeerDown

    bool graceful() const { return kind == Kind::PeerDown && cause == Cause::Left; }

    static MembershipEvent up(const QString& peer) { return {Kind::PeerUp, peer, {}, false, {}}; }
    static MembershipEvent down(const QString& peer, Cause cause) {
        return {Kind::PeerDown, peer, {}, false, cause};
    }
    static MembershipEvent pathChanged(const QString& peer, const QString& path, bool normal) {
        return {Kind::PathChanged, peer, path, normal, {}};
    }
};

// Who is alive, from authenticated fresh heartbeats. Pure logic: no I/O, and the time comes from
// the caller's monotonic clock (steady_clock, so a wall-clock time cannot be passed by mistake).
//
// Per peer and path: Normal while heard within the timeout, Offline after it (Unknown until
// either happens, counted from construction). A peer is Up while any path is Normal and Down
// when every path is Offline; Unknown until first heard or until the timeout has passed since
// construction. A packet with the leaving flag makes the peer Down at once, gracefully, with all
// its paths Offline; older packets still on their way cannot bring it back, only newer ones
// (a restart, or the peer starting again). A higher incarnation of an Up peer means it restarted
// between two heartbeats: that is reported as a failure (PeerDown) followed by PeerUp, so that
// nobody assumes the new process still holds what the old one held.
class MembershipTracker {
public:
    using Clock = std::chrono::steady_clock;

    struct PathLayout {
        QString path;
        QStringList peers; // peers reachable on it
    };

    MembershipTracker(const QStringList& peers, const QList<PathLayout>& paths,
                      std::chrono::milliseconds timeout, Clock::time_point start);

    void setTimeout(std::chrono::milliseconds timeout) { timeout_ = timeout; }
    std::chrono::milliseconds timeout() const { return timeout_; }

    // An authenticated, fresh packet of `peer` arrived on `path`. `current` (optional) tells
    // whether it counted: false for a packet of an older incarnation, or one sent before the
    // peer's leaving packet, or from a peer or path the tracker does not know.
    QList<MembershipEvent> heard(const QString& peer, const QString& path, quint64 incarnation,
                                 quint64 sequence, bool leaving, Clock::time_point now,
                                 bool* current = nullptr);
    // The peer's kernel answered on `path` at `at` (lankhb: a TCP ACK on the connection that
    // carried an accepted packet of `incarnation`): keeps a Normal path Normal as a packet would,
    // while the peer's process may be stalled (userw decides about that). It never brings an
    // Offline or Unknown path back, nor a Down peer up: that takes a packet. False when it did
    // not count (another incarnation, a path that is not Normal, an unknown peer or path).
    bool keepAlive(const QString& peer, const QString& path, quint64 incarnation,
                   Clock::time_point at);
    // Applies the timeout; call often (the detection delay is at most the time between calls).
    QList<MembershipEvent> expire(Clock::time_point now);
    // When expire() will next find a timeout if nothing is heard until then: the earliest end of
    // a Normal path's timeout, or of the start-up timeout while a path is still Unknown. Empty
    // when nothing is waiting to time out.
    std::optional<Clock::time_point> nextExpiry() const;

    QStringList peers() const { return peerOrder_; }
    QStringList paths() const { return pathOrder_; }
    QStringList peersOn(const QString& path) const;
    bool knows(const QString& peer) const { return peers_.contains(peer); }

    PeerStatus peerStatus(const QString& peer) const;
    bool peerLeft(const QString& peer) const;
    std::optional<quint64> incarnation(const QString& peer) const;
    // Paths of `peer` in configuration order (only paths it is on).
    QStringList pathsOf(const QString& peer) const;
    PathStatus pathStatus(const QString& peer, const QString& path) const;
    std::optional<Clock::time_point> lastHeard(const QString& peer, const QString& path) const;
    // The local end of `path`: Normal when some peer is heard on it, or when no peer on it is Up
    // (nothing to judge by: no peers, or all of them down or stopped). Offline means a peer that
    // is Up (heard on another path) is silent on this one.
    bool localPathNormal(const QString& path) const;

private:
    struct PathState {
        PathStatus status = PathStatus::Unknown;
        std::optional<Clock::time_point> lastHeard;
        std::optional<Clock::time_point> keptAlive; // keepAlive(); the timeout runs from the later
    };
    struct Peer {
        PeerStatus status = PeerStatus::Unknown;
        std::optional<quint64> incarnation;
        // The newest leaving packet (incarnation, sequence); older packets are stale.
        std::optional<std::pair<quint64, quint64>> leftAt;
        QHash<QString, PathState> paths;
    };
    void setPath(const QString& peerName, Peer& peer, const QString& path, PathStatus status,
                 QList<MembershipEvent>& events);

    std::chrono::milliseconds timeout_;
    Clock::time_point start_;
    QStringList peerOrder_;
    QStringList pathOrder_;
    QHash<QString, QStringList> pathPeers_;
    QHash<QString, Peer> peers_;
};

} // namespace lifeline::cluster
