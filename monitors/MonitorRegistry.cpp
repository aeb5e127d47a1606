#include "MonitorDriver.h"

#include "DiskMonitor.h"
#include "FipMonitor.h"
#include "GenericMonitor.h"
#include "IpMonitor.h"
#include "MiiMonitor.h"
#include "MultiTargetMonitor.h"
#include "UserModeMonitor.h"
#include "PidMonitor.h"
#include "VipMonitor.h"
#include "VolmgrMonitor.h"

#include <QHash>

namespace lifeline::monitors {

QString checkResultName(CheckResult result) {
    switch (result) {
    case CheckResult::Normal: return QStringLiteral("Normal");
    case CheckResult::Error: return QStringLiteral("Error");
    case CheckResult::Warning: return QStringLiteral("Warning");
    }
    return {};
}

template <class Driver>
static MonitorFactory factory() {
    return [](MonitorContext context) { return std::make_unique<Driver>(std::move(context)); };
}

// One line per driver: type -> factory.
static const QHash<QString, MonitorFactory>& registry() {
    static const QHash<QString, MonitorFactory> table{
        {QStringLiteral("ipw"), factory<IpMonitor>()},
        {QStringLiteral("miiw"), factory<MiiMonitor>()},
        {QStringLiteral("fipw"), factory<FipMonitor>()},
        {QStringLiteral("vipw"), factory<VipMonitor>()},
        {QStringLiteral("pidw"), factory<PidMonitor>()},
        {QStringLiteral("genw"), factory<GenericMonitor>()},
        {QStringLiteral("diskw"), factory<DiskMonitor>()},
        {QStringLiteral("volmgrw"), factory<VolmgrMonitor>()},
        {QStringLiteral("mtw"), factory<MultiTargetMonitor>()},
        {QStringLiteral("userw"), factory<UserModeMonitor>()},
    };
    return table;
}

std::unique_ptr<MonitorDriver> createMonitorDriver(MonitorContext context, QString* error) {
    const auto factory = registry().value(context.monitor.type);
    if (!factory) {
        if (error)
            *error = QStringLiteral("monitor type %1 has no driver yet").arg(context.monitor.type);
        return nullptr;
    }
    return factory(std::move(context));
}

bool isMonitorTypeImplemented(const QString& type) { return registry().contains(type); }

} // namespace lifeline::monitors
