#include "FipMonitor.h"

#include "LinkState.h"
#include "Netlink.h"

namespace lifeline::monitors {

void FipMonitor::check(Done done) {
    pending_.begin(std::move(done));
    const auto resource = targetResource(context());
    if (!resource || resource->type != QLatin1String("fip")) {
        pending_.finish(CheckResult::Warning,
                        QStringLiteral("target \"%1\" is not a floating IP resource").arg(context().monitor.target));
        return;
    }
    const QString text = resource->param(QStringLiteral("ip")).trimmed();
    const auto address = resources::Netlink::parseIpv4(text);
    if (!address) {
        pending_.finish(CheckResult::Error, QStringLiteral("\"%1\" is not an IPv4 address").arg(text));
        return;
    }
    QString error;
    const auto ifnames = interfacesWithAddress(*address, std::nullopt, &error);
    if (!ifnames) {
        pending_.finish(CheckResult::Warning, error);
        return;
    }
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
