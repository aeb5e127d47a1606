#include "IpAddress.h"

#include "Netlink.h"

namespace lifeline::resources::ipaddress {

ResourceState observe(const QString& text, QString* reason) {
    QString why;
    ResourceState state = ResourceState::Offline;
    const auto parsed = Netlink::parseIpv4(text);
    if (!parsed) {
        why = QStringLiteral("ip \"%1\" is not an IPv4 address").arg(text);
        state = ResourceState::Error;
    } else if (const auto names = Netlink::interfacesWithIpv4(*parsed, &why); !names) {
        why = QStringLiteral("cannot list addresses: %1").arg(why);
        state = ResourceState::Error;
    } else if (names->isEmpty()) {
        why = QStringLiteral("%1 is not configured on this server").arg(text);
    } else {
        why = QStringLiteral("%1 is on %2").arg(text, names->first());
        state = ResourceState::Online;
    }
    if (reason)
        *reason = why;
    return state;
}

bool remove(uint32_t address, const QString& text, QString* reason) {
    QStringList removedFrom;
    if (!Netlink::removeIpv4Everywhere(address, &removedFrom, reason))
        return false;
    if (removedFrom.isEmpty())
        *reason = QStringLiteral("%1 was not configured here").arg(text);
    else
        *reason = QStringLiteral("%1 removed from %2").arg(text, removedFrom.join(QStringLiteral(", ")));
    return true;
}

} // namespace lifeline::resources::ipaddress
