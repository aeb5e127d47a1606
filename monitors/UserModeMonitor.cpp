#include "UserModeMonitor.h"

namespace lifeline::monitors {

void UserModeMonitor::check(Done done) {
    pending_.begin(std::move(done));
    if (context().monitor.param(QStringLiteral("method")).trimmed().toLower() == QLatin1String("none"))
        pending_.finish(CheckResult::Warning, QStringLiteral("method none: user-space stalls are not detected"));
    else
        pending_.finish(CheckResult::Normal, {});
}

} // namespace lifeline::monitors
