#include "MembershipTracker.h"

#include <algorithm>

namespace lifeline::cluster {

QString describe(PeerStatus status) {
    switch (status) {
    case PeerStatus::Unknown:
        return QStringLiteral("unknown");
    case PeerStatus::Up:
        return QStringLiteral("up");
    case PeerStatus::Down:
        return QStringLiteral("down");
    }
    return QStringLiteral("?");
}

QString describe(PathStatus status) {
    switch (status) {
    case PathStatus::Unknown:
        return QStringLiteral("unknown");
    case PathStatus::Normal:
        return QStringLiteral("normal");
    case PathStatus::Offline:
        return QStringLiteral("offline");
    }
    return QStringLiteral("?");
}

MembershipTracker::MembershipTracker(const QStringList& peers, const QList<PathLayout>& paths,
                                     std::chrono::milliseconds timeout, Clock::time_point start)
    : timeout_(timeout), start_(start), peerOrder_(peers) {
    for (const auto& peer : peers)
        peers_.insert(peer, Peer{});
    for (const auto& layout : paths) {
        pathOrder_ << layout.path;
        QStringList onPath;
        for (const auto& peer : layout.peers) {
            auto it = peers_.find(peer);
            if (it == peers_.end())
                continue;
            it->paths.insert(layout.path, PathState{});
            onPath << peer;
        }
        pathPeers_.insert(layout.path, onPath);
    }
}

void MembershipTracker::setPath(const QString& peerName, Peer& peer, const QString& path,
                                PathStatus status, QList<MembershipEvent>& events) {
    PathState& state = peer.paths[path];
    if (state.status == status)
        return;
    state.status = status;
    events << MembershipEvent::pathChanged(peerName, path, status == PathStatus::Normal);
}

QList<MembershipEvent> MembershipTracker::heard(const QString& peerName, const QString& path,
                                                quint64 incarnation, quint64 sequence, bool leaving,
                                                Clock::time_point now, bool* current) {
    QList<MembershipEvent> events;
    if (current)
        *current = false;
    auto it = peers_.find(peerName);
    if (it == peers_.end() || !it->paths.contains(path))
        return events;
    Peer& peer = *it;
    if (peer.incarnation && incarnation < *peer.incarnation)
        return events; // from a process that has since been replaced
    if (peer.incarnation && incarnation > *peer.incarnation) {
        peer.leftAt.reset();
        if (peer.status == PeerStatus::Up) {
            // The old process vanished without leaving and a new one answers in its place.
            peer.status = PeerStatus::Down;
            events << MembershipEvent::down(peerName, MembershipEvent::Cause::Restarted);
        }
    }
    peer.incarnation = incarnation;
    if (current)
        *current = true;
    const std::pair<quint64, quint64> mark{incarnation, sequence};

    if (leaving) {
        if (!peer.leftAt || mark > *peer.leftAt)
            peer.leftAt = mark;
        peer.paths[path].lastHeard = now;
        for (const auto& name : pathOrder_)
            if (peer.paths.contains(name))
                setPath(peerName, peer, name, PathStatus::Offline, events);
        if (peer.status != PeerStatus::Down) {
            peer.status = PeerStatus::Down;
            events << MembershipEvent::down(peerName, MembershipEvent::Cause::Left);
        }
        return events;
    }
    if (peer.leftAt) {
        if (mark <= *peer.leftAt) {
            if (current)
                *current = false;
            return events; // sent before the leaving packet, arrived after it
        }
        peer.leftAt.reset();
    }
    peer.paths[path].lastHeard = now;
    setPath(peerName, peer, path, PathStatus::Normal, events);
    if (peer.status != PeerStatus::Up) {
        peer.status = PeerStatus::Up;
        events << MembershipEvent::up(peerName);
    }
    return events;
}

bool MembershipTracker::keepAlive(const QString& peerName, const QString& path, quint64 incarnation,
                                  Clock::time_point at) {
    const auto it = peers_.find(peerName);
    if (it == peers_.end() || it->incarnation != incarnation)
        return false;
    const auto state = it->paths.find(path);
    if (state == it->paths.end() || state->status != PathStatus::Normal)
        return false;
    if (!state->keptAlive || at > *state->keptAlive)
        state->keptAlive = at;
    return true;
}

QList<MembershipEvent> MembershipTracker::expire(Clock::time_point now) {
    QList<MembershipEvent> events;
    const bool startTimedOut = now - start_ >= timeout_;
    for (const auto& peerName : peerOrder_) {
        Peer& peer = peers_[peerName];
        bool anyNormal = false;
        for (const auto& path : pathOrder_) {
            auto state = peer.paths.find(path);
            if (state == peer.paths.end())
                continue;
            bool silent = state->status == PathStatus::Unknown && startTimedOut;
            if (state->status == PathStatus::Normal) {
                // Heard, or kept alive by the peer's kernel, at the later of the two.
                const auto proof =
                    std::max(*state->lastHeard, state->keptAlive.value_or(*state->lastHeard));
                silent = now - proof >= timeout_;
            }
            if (silent)
                setPath(peerName, peer, path, PathStatus::Offline, events);
            anyNormal = anyNormal || state->status == PathStatus::Normal;
        }
        if (peer.status == PeerStatus::Up && !anyNormal) {
            peer.status = PeerStatus::Down;
            events << MembershipEvent::down(peerName, MembershipEvent::Cause::Timeout);
        } else if (peer.status == PeerStatus::Unknown && startTimedOut) {
            peer.status = PeerStatus::Down;
            events << MembershipEvent::down(peerName, MembershipEvent::Cause::NeverHeard);
        }
    }
    return events;
}

std::optional<MembershipTracker::Clock::time_point> MembershipTracker::nextExpiry() const {
    std::optional<Clock::time_point> next;
    const auto consider = [&next](Clock::time_point at) {
        if (!next || at < *next)
            next = at;
    };
    for (const auto& peer : peers_)
        for (const auto& state : peer.paths) {
            if (state.status == PathStatus::Normal)
                consider(std::max(*state.lastHeard, state.keptAlive.value_or(*state.lastHeard)) + timeout_);
            else if (state.status == PathStatus::Unknown)
                consider(start_ + timeout_);
        }
    return next;
}

QStringList MembershipTracker::peersOn(const QString& path) const {
    return pathPeers_.value(path);
}

PeerStatus MembershipTracker::peerStatus(const QString& peer) const {
    const auto it = peers_.constFind(peer);
    return it == peers_.cend() ? PeerStatus::Unknown : it->status;
}

bool MembershipTracker::peerLeft(const QString& peer) const {
    const auto it = peers_.constFind(peer);
    return it != peers_.cend() && it->status == PeerStatus::Down && it->leftAt.has_value();
}

std::optional<quint64> MembershipTracker::incarnation(const QString& peer) const {
    const auto it = peers_.constFind(peer);
    return it == peers_.cend() ? std::nullopt : it->incarnation;
}

QStringList MembershipTracker::pathsOf(const QString& peer) const {
    QStringList paths;
    const auto it = peers_.constFind(peer);
    if (it == peers_.cend())
        return paths;
    for (const auto& path : pathOrder_)
        if (it->paths.contains(path))
            paths << path;
    return paths;
}

PathStatus MembershipTracker::pathStatus(const QString& peer, const QString& path) const {
    const auto it = peers_.constFind(peer);
    if (it == peers_.cend())
        return PathStatus::Unknown;
    return it->paths.value(path).status;
}

std::optional<MembershipTracker::Clock::time_point>
MembershipTracker::lastHeard(const QString& peer, const QString& path) const {
    const auto it = peers_.constFind(peer);
    if (it == peers_.cend())
        return std::nullopt;
    return it->paths.value(path).lastHeard;
}

bool MembershipTracker::localPathNormal(const QString& path) const {
    bool anyPeerUp = false;
    for (const auto& peer : pathPeers_.value(path)) {
        const auto state = peers_.constFind(peer);
        if (state->paths.value(path).status == PathStatus::Normal)
            return true;
        anyPeerUp = anyPeerUp || state->status == PeerStatus::Up;
    }
    return !anyPeerUp;
}

} // namespace lifeline::cluster
