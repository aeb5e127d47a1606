#include "MiiMonitor.h"

namespace lifeline::monitors {

MiiMonitor::MiiMonitor(MonitorContext context, QObject* parent)
    : MonitorDriver(std::move(context), parent),
      watcher_(this->context().monitor.param(QStringLiteral("object")).trimmed()) {
    connect(&watcher_, &LinkWatcher::changed, this, &MonitorDriver::checkNow);
}

void MiiMonitor::check(Done done) {
    pending_.begin(std::move(done));
    const QString ifname = context().monitor.param(QStringLiteral("object")).trimmed();
    QString error;
    const auto link = LinkState::query(ifname, &error);
    if (!link) {
        pending_.finish(CheckResult::Error, error);
        return;
    }
    const QString problem = link->problem();
    if (!problem.isEmpty())
        pending_.finish(CheckResult::Error, problem);
    else if (!watcher_.isOpen()) // the link is fine; only changes will be noticed late
        pending_.finish(CheckResult::Normal, QStringLiteral("%1 is up (link changes are not watched: %2)")
                                                 .arg(ifname, watcher_.errorString()));
    else
        pending_.finish(CheckResult::Normal, QStringLiteral("%1 is up").arg(ifname));
}

} // namespace lifeline::monitors
