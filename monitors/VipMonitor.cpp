#include "VipMonitor.h"

#include "Netlink.h"

namespace lifeline::monitors {

void VipMonitor::check(Done done) {
    pending_.begin(std::move(done));
    // Only the host route counts: the address with another prefix is this
    // server's own address, not the vip (as VipResource::observe() sees it).
    const auto found = targetAddress(context(), QStringLiteral("vip"), QStringLiteral("virtual IP"), 32, pending_);
    if (!found)
        return;
    const QString& text = found->text;
    const QStringList* ifnames = &found->ifnames;
    if (ifnames->isEmpty())
        pending_.finish(CheckResult::Error, QStringLiteral("%1/32 is not configured on this server").arg(text));
    else
        pending_.finish(CheckResult::Normal,
                        QStringLiteral("%1/32 is on %2").arg(text, ifnames->join(QLatin1String(", "))));
}

} // namespace lifeline::monitors
