#pragma once

#include "ClusterConfig.h"

#include <QString>

// What to do after a group resource failed to activate or deactivate: the
// escalation of ExpressCluster's "recovery operation at activation/deactivation
// failure" settings, as pure functions (see README.md).
namespace lifeline::policy {

enum class RecoveryStep {
    Retry,       // try the same resource again on this server
    Failover,    // give up on this server: move the group to the next one
    FinalAction, // the resource's final action, on this server
};
QString recoveryStepName(RecoveryStep step); // "retry", "failover", "final-action"

// `attempts`: activations of this resource tried on this server so far (>= 1).
// `serversFailed`: servers this group has failed to activate on since the last
// operator clear, counting this one (>= 1).
// Retries first (act/retry more attempts), then failovers while the group has
// failed on no more servers than act/fo allows, then the final action.
RecoveryStep afterActivationFailure(const config::Resource& resource, int attempts, int serversFailed);

// Deactivation never fails over: a resource that cannot be released must not be
// taken over while it is still held. Retries (deact/retry), then the final action.
RecoveryStep afterDeactivationFailure(const config::Resource& resource, int attempts);

} // namespace lifeline::policy
