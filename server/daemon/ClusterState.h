#pragma once

#include <QString>

namespace lifeline::daemon {

// The cluster service on this server. The code is what heartbeats carry.
enum class ClusterState : quint8 { Stopped = 0, Starting = 1, Online = 2, Suspended = 3 };

inline QString clusterStateName(ClusterState s) {
    switch (s) {
    case ClusterState::Stopped: return QStringLiteral("Stopped");
    case ClusterState::Starting: return QStringLiteral("Starting");
    case ClusterState::Online: return QStringLiteral("Online");
    case ClusterState::Suspended: return QStringLiteral("Suspended");
    }
    return QStringLiteral("Unknown");
}

} // namespace lifeline::daemon
