#pragma once

#include "GroupPolicy.h"
#include "MonitorPolicy.h"
#include "ResourceDriver.h"

#include <QHash>
#include <QJsonObject>
#include <QString>

#include <functional>

// What one server holds of each failover group: the state its engine reports to
// every other server (the "group table"), and the alert hook the engine uses.
namespace lifeline::engine {

struct ResourceStatus {
    resources::ResourceState state = resources::ResourceState::Offline;
    QString reason; // why it is in Error (or Unknown), for clpstat
};

struct LocalGroup {
    policy::GroupState state = policy::GroupState::Offline;
    policy::ActionKind pendingKind = policy::ActionKind::Activate; // while Pending
    // A deactivation failed: resources may still be held here, so nobody else may
    // take the group over until this server is down or the operator cleared it.
    bool stuck = false;
    // Activation recovery ended here with a final action that keeps the group
    // where it is (policy::GroupObservation::held).
    bool held = false;
    QString reason;
    QHash<QString, ResourceStatus> resources; // by resource name

    bool active() const { return state != policy::GroupState::Offline; }
    // clpstat's words: Online, Offline, Error, Online Pending, Offline Pending.
    QString displayState() const;
};

// One server's table: every group it may run, with a version so that a stale
// report never replaces a newer one.
struct GroupTable {
    quint64 incarnation = 0; // the reporting lifelined's start (a restart is higher)
    quint64 sequence = 0;    // +1 per change of the reporting server
    bool stopping = false;   // its cluster service is stopping: place nothing there
    // The cluster's auto-start groups have been started (by whichever server led
    // then): a server joining a running cluster must not start them again.
    bool clusterStarted = false;
    QHash<QString, LocalGroup> groups;
    // Recovery this server did for each monitor since its counters were reset: every
    // server adds up everyone's, so an escalation continues where a failover left it.
    QHash<QString, policy::MonitorCounters> monitorCounters;

    bool newerThan(const GroupTable& other) const {
        return incarnation != other.incarnation ? incarnation > other.incarnation
                                                : sequence > other.sequence;
    }
    QJsonObject toJson() const;
    static GroupTable fromJson(const QJsonObject& json);
};

// Event ids of the engine's alerts (module "group"/"rsc"; README's alert table).
namespace alert {
enum Id {
    GroupStarted = 501,
    GroupStopped = 502,
    GroupFailover = 503,
    GroupMoved = 504,
    GroupFailedEverywhere = 505,
    GroupNoServer = 506,
    GroupTwoOwners = 507,
    GroupRequestRefused = 508,
    GroupActionFailed = 509,
    ResourceActivated = 601,
    ResourceDeactivated = 602,
    ResourceActivationFailed = 603,
    ResourceDeactivationFailed = 604,
    ResourceFinalAction = 605,
    MonitorError = 701,
    MonitorNormal = 702,
    MonitorWarning = 703,
    MonitorTimedOut = 704,
    MonitorBusy = 705,
    MonitorRecovery = 706,
    MonitorSuspended = 707,
    MonitorResumed = 708,
};
}
enum class AlertType { Info, Warning, Error };
using AlertSink = std::function<void(AlertType type, const QString& module, int id, const QString& message)>;

} // namespace lifeline::engine
