#pragma once

#include "ClusterConfig.h"

#include <QString>

// What to do when a monitor reports an error: ExpressCluster's "recovery
// action" escalation as a pure function (see README.md).
namespace lifeline::policy {

enum class MonitorStep {
    None,        // show the error, recover nothing (see afterMonitorError)
    Reactivate,  // restart the recovery target (a resource, or every resource of a group) here
    Failover,    // move the recovery target's group to another server
    FinalAction, // the monitor's final action
};
QString monitorStepName(MonitorStep step); // "none", "reactivate", "failover", "final-action"

struct MonitorCounters {
    int reactivations = 0; // done since the counters were last reset
    int failovers = 0;

    MonitorCounters& operator+=(const MonitorCounters& o) {
        reactivations += o.reactivations;
        failovers += o.failovers;
        return *this;
    }
    bool operator==(const MonitorCounters&) const = default;
    bool any() const { return reactivations || failovers; }
};

// What the monitor knows when its error is confirmed.
struct MonitorError {
    // Recovery done for this monitor since the counters were reset, on every
    // server: a group that failed over carries its history with it.
    MonitorCounters counters;
    bool targetActiveHere = true; // the recovery target (group/resource) runs on this server
    bool causedByTimeout = false; // the last failed check timed out
};

// None when the error came from a timed-out check and the monitor says a timeout
// is not recovered (emergency/timeout/notrecovery), or when its recovery target
// does not run on this server (there is nothing here to restart, move or stop).
// Otherwise: reactivate while fewer than `emergency/threshold/restart`
// reactivations were done, then fail over while fewer than
// `emergency/threshold/fo` failovers were done, then the final action. A monitor
// whose recovery target is the local server (relation/type cls) can neither
// reactivate nor fail over: final action.
MonitorStep afterMonitorError(const config::Monitor& monitor, const MonitorError& error);

} // namespace lifeline::policy
