#include "MonitorPolicy.h"

namespace lifeline::policy {

QString monitorStepName(MonitorStep step) {
    switch (step) {
    case MonitorStep::Reactivate: return QStringLiteral("reactivate");
    case MonitorStep::Failover: return QStringLiteral("failover");
    case MonitorStep::FinalAction: return QStringLiteral("final-action");
    }
    return {};
}

MonitorStep afterMonitorError(const config::Monitor& monitor, const MonitorCounters& counters) {
    if (monitor.relationType == QLatin1String("cls"))
        return MonitorStep::FinalAction;
    if (counters.reactivations < monitor.restartThreshold)
        return MonitorStep::Reactivate;
    if (counters.failovers < monitor.failoverThreshold)
        return MonitorStep::Failover;
    return MonitorStep::FinalAction;
}

} // namespace lifeline::policy
