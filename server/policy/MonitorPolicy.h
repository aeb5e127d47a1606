#pragma once

#include "ClusterConfig.h"

#include <QString>

// What to do when a monitor reports an error: ExpressCluster's "recovery
// action" escalation as a pure function (see README.md).
namespace lifeline::policy {

enum class MonitorStep {
    Reactivate,  // restart the recovery target (a resource, or every resource of a group) here
    Failover,    // move the recovery target's group to another server
    FinalAction, // the monitor's final action
};
QString monitorStepName(MonitorStep step); // "reactivate", "failover", "final-action"

struct MonitorCounters {
    int reactivations = 0; // done since the counters were last reset
    int failovers = 0;
};

// Reactivate while fewer than `emergency/threshold/restart` reactivations were
// done, then fail over while fewer than `emergency/threshold/fo` failovers were
// done, then the final action. A monitor whose recovery target is the local
// server (relation/type cls) can neither reactivate nor fail over: final action.
MonitorStep afterMonitorError(const config::Monitor& monitor, const MonitorCounters& counters);

} // namespace lifeline::policy
