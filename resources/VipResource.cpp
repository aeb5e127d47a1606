#include "VipResource.h"

#include "IpAddress.h"
#include "Netlink.h"
#include "RipAdvertiser.h"

#include <QRegularExpression>

#include <net/if.h>

#include <cmath>

namespace lifeline::resources {

VipResource::VipResource(ResourceContext context, QObject* parent)
    : ResourceDriver(std::move(context), parent) {
    text_ = this->context().resource.param(QStringLiteral("ip")).trimmed();
}

// The address stays where it is (as fip's does): only deactivation removes it.
VipResource::~VipResource() = default;

bool VipResource::parseSettings(Settings* s, QString* reason) const {
    const auto& r = context().resource;
    const auto address = Netlink::parseIpv4(text_);
    if (!address) {
        *reason = QStringLiteral("vip %1: ip \"%2\" is not an IPv4 address").arg(r.name, text_);
        return false;
    }
    s->address = *address;
    s->ifnames = r.param(QStringLiteral("ifname"))
                     .split(QRegularExpression(QStringLiteral("[,\\s]+")), Qt::SkipEmptyParts);
    if (s->ifnames.isEmpty()) {
        *reason = QStringLiteral("vip %1: no interface (parameter ifname) to put %2 on and advertise it from")
                      .arg(r.name, text_);
        return false;
    }
    bool ok = false;
    const double seconds = r.param(QStringLiteral("interval")).trimmed().toDouble(&ok);
    if (!ok || !(seconds >= 0.01) || seconds > 3600) {
        *reason = QStringLiteral("vip %1: interval \"%2\" is not a number of seconds")
                      .arg(r.name, r.param(QStringLiteral("interval")));
        return false;
    }
    s->intervalMs = int(std::lround(seconds * 1000));
    const uint metric = r.param(QStringLiteral("metric")).trimmed().toUInt(&ok);
    if (!ok || metric < 1 || metric >= RipAdvertiser::kInfinity) {
        *reason = QStringLiteral("vip %1: metric \"%2\" is not 1 to 15").arg(r.name, r.param(QStringLiteral("metric")));
        return false;
    }
    s->metric = metric;
    return true;
}

void VipResource::activate(ResourceEvent, Done done) {
    if (advertiser_ && advertiser_->isWithdrawing()) {
        done(false, QStringLiteral("deactivation of %1 is still in progress").arg(text_));
        return;
    }
    delete advertiser_; // an earlier activation's
    Settings s;
    QString reason;
    if (!parseSettings(&s, &reason)) {
        done(false, reason);
        return;
    }
    int ifindex = 0; // of the first interface, which gets the address
    for (const QString& name : s.ifnames) {
        const int index = int(::if_nametoindex(name.toLocal8Bit().constData()));
        if (index == 0) {
            done(false, QStringLiteral("vip %1: interface %2 does not exist").arg(context().resource.name, name));
            return;
        }
        if (ifindex == 0)
            ifindex = index;
    }
    const QString& ifname = s.ifnames.first();
    const auto carriers = Netlink::interfacesWithIpv4(s.address, &reason);
    if (!carriers) {
        done(false, QStringLiteral("cannot list addresses: %1").arg(reason));
        return;
    }
    const bool added = carriers->isEmpty();
    if (added && !Netlink::addIpv4(ifindex, s.address, 32, &reason)) {
        done(false, QStringLiteral("cannot add %1/32 on %2: %3").arg(text_, ifname, reason));
        return;
    }
    auto* advertiser = new RipAdvertiser(s.address, s.metric, this);
    if (!advertiser->open(s.ifnames, &reason) || !advertiser->start(s.intervalMs, &reason)) {
        delete advertiser;
        QString ignored;
        if (added)
            Netlink::deleteIpv4(ifindex, s.address, 32, &ignored);
        done(false, QStringLiteral("cannot advertise %1: %2").arg(text_, reason));
        return;
    }
    advertiser_ = advertiser;
    const QString where = added ? QStringLiteral("%1/32 added on %2").arg(text_, ifname)
                                : QStringLiteral("%1 was already on %2").arg(text_, carriers->first());
    done(true, QStringLiteral("%1; RIPv2 advertisements on %2 every %3 s")
                   .arg(where, s.ifnames.join(QStringLiteral(", ")))
                   .arg(s.intervalMs / 1000.0));
}

void VipResource::deactivate(ResourceEvent, Done done) {
    if (advertiser_ && advertiser_->isWithdrawing()) {
        done(false, QStringLiteral("deactivation of %1 is already in progress").arg(text_));
        return;
    }
    Settings s;
    QString reason;
    const bool settingsOk = parseSettings(&s, &reason);
    const auto address = Netlink::parseIpv4(text_);
    if (!address) {
        done(false, reason);
        return;
    }
    auto removeAddress = [this, address = *address, done = std::move(done)] {
        if (advertiser_)
            advertiser_->deleteLater(); // we may be inside its withdrawal callback
        advertiser_ = nullptr;
        QString reason;
        const bool ok = ipaddress::remove(address, text_, &reason);
        done(ok, reason); // last: the callback may delete this driver
    };
    if (!advertiser_) {
        // Not advertised by this driver (the daemon restarted, or activation
        // failed): withdraw anyway if the address is here, a router may still
        // hold the route.
        const auto carriers = Netlink::interfacesWithIpv4(*address, &reason);
        advertiser_ = new RipAdvertiser(*address, s.metric, this);
        if (!settingsOk || !carriers || carriers->isEmpty() || !advertiser_->open(s.ifnames, &reason)) {
            removeAddress();
            return;
        }
    }
    advertiser_->withdraw(std::move(removeAddress));
}

ResourceState VipResource::observe(QString* reason) const { return ipaddress::observe(text_, reason); }

} // namespace lifeline::resources
