#include "FipMonitor.h"

#include "LinkState.h"
#include "Netlink.h"

namespace lifeline::monitors {

void FipMonitor::check(Done done) {
    pending_.begin(std::move(done));
    const auto found = targetAddress(context(), QStringLiteral("fip"), QStringLiteral("floating IP"),
                                     std::nullopt, pending_);
    if (!found)
        return;
    const QString& text = found->text;
    const QStringList* ifnames = &found->ifnames;
    QString error;
    if (ifnames->isEmpty()) {
        pending_.finish(CheckResult::Error, QStringLiteral("%1 is not configured on this server").arg(text));
        return;
    }
    if (context().monitor.param(QStringLiteral("monmii")).trimmed() == QLatin1String("1")) {
        for (const QString& ifname : *ifnames) {
            const auto link = LinkState::query(ifname, &error);
            const QString problem = link ? link->problem() : error;
            if (!problem.isEmpty()) {
                pending_.finish(CheckResult::Error, QStringLiteral("%1 on %2: %3").arg(text, ifname, problem));
                return;
            }
        }
    }
    pending_.finish(CheckResult::Normal, QStringLiteral("%1 is on %2").arg(text, ifnames->join(QLatin1String(", "))));
}

} // namespace lifeline::monitors
