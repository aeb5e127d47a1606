#include "MultiTargetMonitor.h"

namespace lifeline::monitors {

// Set by the engine on the main thread before monitors start; read there only.
static MultiTargetMonitor::StateLookup& stateLookup() {
    static MultiTargetMonitor::StateLookup lookup;
    return lookup;
}

void MultiTargetMonitor::setStateLookup(StateLookup lookup) { stateLookup() = std::move(lookup); }

void MultiTargetMonitor::check(Done done) {
    pending_.begin(std::move(done));
    const QStringList names = listParameter(context().monitor, QString());
    const int count = qMax(1, context().monitor.param(QStringLiteral("count")).toInt());
    if (names.isEmpty()) {
        pending_.finish(CheckResult::Error, QStringLiteral("lists no monitors (parameters list/...)"));
        return;
    }
    const auto& lookup = stateLookup();
    if (!lookup) {
        pending_.finish(CheckResult::Warning, QStringLiteral("monitor states are not available"));
        return;
    }
    QStringList failed;
    for (const QString& name : names)
        if (lookup(name).compare(checkResultName(CheckResult::Error), Qt::CaseInsensitive) == 0)
            failed << name;
    const QString detail = QStringLiteral("%1 of %2 monitors in error%3")
                               .arg(failed.size())
                               .arg(names.size())
                               .arg(failed.isEmpty() ? QString() : QStringLiteral(": ") + failed.join(QLatin1String(", ")));
    pending_.finish(failed.size() >= count ? CheckResult::Error : CheckResult::Normal, detail);
}

} // namespace lifeline::monitors
