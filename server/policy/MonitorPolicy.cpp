#include "MonitorPolicy.h"

namespace lifeline::policy {

QString monitorStepName(MonitorStep step) {
    switch (step) {
    case MonitorStep::None: return QStringLiteral("none");
    case MonitorStep::Reactivate: return QStringLiteral("reactivate");
    case MonitorStep::Failover: return QStringLiteral("failover");
    case MonitorStep::FinalAction: return QStringLiteral("final-action");
    }
    return {};
}

MonitorStep afterMonitorError(const config::Monitor& monitor, const MonitorError& error) {
    if (error.causedByTimeout && monitor.timeoutNoRecovery)
        return MonitorStep::None;
    if (monitor.relationType == QLatin1String("cls"))
        return MonitorStep::FinalAction;
    if (!error.targetActiveHere)
        return MonitorStep::None;
    if (error.counters.reactivations < monitor.restartThreshold)
        return MonitorStep::Reactivate;
    if (error.counters.failovers < monitor.failoverThreshold)
        return MonitorStep::Failover;
    return MonitorStep::FinalAction;
}

} // namespace lifeline::policy
