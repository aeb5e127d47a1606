#include "MonitorDriver.h"

#include "DiskMonitor.h"
#include "FipMonitor.h"
#include "GenericMonitor.h"
#include "HttpMonitor.h"
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
        {QStringLiteral("httpw"), factory<HttpMonitor>()},
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

QString requiredOption(const QString& type) {
    // ExpressCluster's agents: the types each option unlocks (licensing/README.md "Products").
    static const QHash<QString, QString> options{
        {QStringLiteral("psqlw"), QStringLiteral("DBAG10")},  {QStringLiteral("mysqlw"), QStringLiteral("DBAG10")},
        {QStringLiteral("oraclew"), QStringLiteral("DBAG10")}, {QStringLiteral("httpw"), QStringLiteral("ISAG10")},
        {QStringLiteral("smtpw"), QStringLiteral("ISAG10")},  {QStringLiteral("pop3w"), QStringLiteral("ISAG10")},
        {QStringLiteral("imap4w"), QStringLiteral("ISAG10")}, {QStringLiteral("ftpw"), QStringLiteral("ISAG10")},
        {QStringLiteral("nfsw"), QStringLiteral("FSAG10")},   {QStringLiteral("sambaw"), QStringLiteral("FSAG10")},
        {QStringLiteral("tomcatw"), QStringLiteral("ASAG10")}, {QStringLiteral("wlsw"), QStringLiteral("ASAG10")},
        {QStringLiteral("wasw"), QStringLiteral("ASAG10")},   {QStringLiteral("jbossw"), QStringLiteral("ASAG10")},
    };
    return options.value(type);
}

} // namespace lifeline::monitors
