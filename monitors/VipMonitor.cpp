#include "VipMonitor.h"

#include "Netlink.h"

namespace lifeline::monitors {

void VipMonitor::check(Done done) {
    pending_.begin(std::move(done));
    const auto resource = targetResource(context());
    if (!resource || resource->type != QLatin1String("vip")) {
        pending_.finish(CheckResult::Warning,
                        QStringLiteral("target \"%1\" is not a virtual IP resource").arg(context().monitor.target));
        return;
    }
    const QString text = resource->param(QStringLiteral("ip")).trimmed();
    const auto address = resources::Netlink::parseIpv4(text);
    if (!address) {
        pending_.finish(CheckResult::Error, QStringLiteral("\"%1\" is not an IPv4 address").arg(text));
        return;
    }
    QString error;
    // Only the host route counts: the address with another prefix is this
    // server's own address, not the vip (as VipResource::observe() sees it).
    const auto ifnames = interfacesWithAddress(*address, 32, &error);
    if (!ifnames)
        pending_.finish(CheckResult::Warning, error);
    else if (ifnames->isEmpty())
        pending_.finish(CheckResult::Error, QStringLiteral("%1/32 is not configured on this server").arg(text));
    else
        pending_.finish(CheckResult::Normal,
                        QStringLiteral("%1/32 is on %2").arg(text, ifnames->join(QLatin1String(", "))));
}

} // namespace lifeline::monitors
