#pragma once

#include "HeartbeatCounters.h"
#include "MembershipTracker.h"

#include <QByteArray>
#include <QList>
#include <QString>
#include <QStringList>

namespace lifeline::cluster {

// A copy of the heartbeat manager's view at one moment, safe to keep and read on any thread.
struct MembershipSnapshot {
    struct PeerPath {
        QString path;
        PathStatus status = PathStatus::Unknown;
        qint64 lastHeardAgeMs = -1; // -1: never heard
    };
    struct Peer {
        QString name;
        PeerStatus status = PeerStatus::Unknown;
        bool left = false; // down because it announced its stop (not a failure)
        QList<PeerPath> paths;
        QByteArray configHash; // empty until heard
        int state = -1;        // HeartbeatPacket::State, -1 until heard
        quint64 incarnation = 0;

        const PeerPath* path(const QString& name) const;
        // Since the last packet heard on any path (the freshest path); -1: never heard.
        qint64 lastHeardAgeMs() const;
    };
    struct Path {
        QString name;
        QString type;
        QString localEndpoint;
        QStringList peers;
        bool open = false;
        QString error;            // why it is not open
        bool localNormal = false; // see MembershipTracker::localPathNormal
        hb::HeartbeatCounters counters;
    };

    QString localServer;
    quint64 incarnation = 0;
    quint64 sequence = 0; // of the last packet sent
    int localState = 0;
    bool running = false;
    bool sending = true;
    double timeoutRatio = 1.0;
    qint64 intervalMs = 0;
    qint64 timeoutMs = 0; // effective: configured timeout × ratio
    QList<Peer> peers;
    QList<Path> paths;
    QStringList setupIssues;

    const Peer* peer(const QString& name) const;
    const Path* path(const QString& name) const;
};

} // namespace lifeline::cluster
