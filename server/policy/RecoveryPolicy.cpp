#include "RecoveryPolicy.h"

namespace lifeline::policy {

QString recoveryStepName(RecoveryStep step) {
    switch (step) {
    case RecoveryStep::Retry: return QStringLiteral("retry");
    case RecoveryStep::Failover: return QStringLiteral("failover");
    case RecoveryStep::FinalAction: return QStringLiteral("final-action");
    }
    return {};
}

RecoveryStep afterActivationFailure(const config::Resource& resource, int attempts, int serversFailed) {
    if (attempts <= resource.actRetry)
        return RecoveryStep::Retry;
    if (serversFailed <= resource.actFailoverThreshold)
        return RecoveryStep::Failover;
    return RecoveryStep::FinalAction;
}

RecoveryStep afterDeactivationFailure(const config::Resource& resource, int attempts) {
    return attempts <= resource.deactRetry ? RecoveryStep::Retry : RecoveryStep::FinalAction;
}

} // namespace lifeline::policy
