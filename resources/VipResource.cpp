#include "VipResource.h"

#include "Netlink.h"
#include "RipAdvertiser.h"

#include <QPair>
#include <QRegularExpression>

#include <net/if.h>

#include <algorithm>
#include <cmath>
#include <optional>

namespace lifeline::resources {

namespace {

// Where the address is: as the vip (/32, how activation adds it) and with any
// other prefix (then it is an address of this server, e.g. its public address,
// which the vip driver neither reports as its own nor removes).
struct Presence {
    QList<Netlink::Ipv4Address> asVip;
    QList<Netlink::Ipv4Address> other;
};

std::optional<Presence> presence(uint32_t address, QString* error) {
    const auto all = Netlink::ipv4Addresses(error);
    if (!all)
        return std::nullopt;
    Presence p;
    for (const auto& a : *all) {
        if (a.address == address)
            (a.prefixLength == 32 ? p.asVip : p.other).append(a);
    }
    return p;
}

QString whereOther(const QString& text, const QList<Netlink::Ipv4Address>& other) {
    QStringList where;
    for (const auto& a : other)
        where << QStringLiteral("%1/%2 on %3").arg(text).arg(a.prefixLength).arg(a.ifname);
    return where.join(QStringLiteral(", "));
}

// Deactivation: the address's /32 entries off every interface; the same address
// with another prefix is left alone.
bool removeVip(uint32_t address, const QString& text, QString* reason) {
    QString error;
    const auto p = presence(address, &error);
    if (!p) {
        *reason = QStringLiteral("cannot list addresses: %1").arg(error);
        return false;
    }
    QStringList removed;
    for (const auto& a : p->asVip) {
        if (!Netlink::deleteIpv4(a.ifindex, address, 32, &error)) {
            *reason = QStringLiteral("cannot remove %1/32 from %2: %3").arg(text, a.ifname, error);
            return false;
        }
        removed << a.ifname;
    }
    *reason = removed.isEmpty() ? QStringLiteral("%1 was not configured here").arg(text)
                                : QStringLiteral("%1 removed from %2").arg(text, removed.join(QStringLiteral(", ")));
    if (!p->other.isEmpty())
        *reason += QStringLiteral("; %1 left alone (an address of this server, not the vip)").arg(whereOther(text, p->other));
    return true;
}

} // namespace

VipResource::VipResource(ResourceContext context, QObject* parent)
    : ResourceDriver(std::move(context), parent) {
    text_ = this->context().resource.param(QStringLiteral("ip")).trimmed();
}

// The address stays where it is (as fip's does): only deactivation removes it.
// Running probes are children: deleted with us, without a callback.
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
    if (pendingDone_) {
        done(false, QStringLiteral("activation of %1 is already in progress").arg(text_));
        return;
    }
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
    QList<QPair<int, QString>> links; // every interface once, to probe on
    for (const QString& name : s.ifnames) {
        const int index = int(::if_nametoindex(name.toLocal8Bit().constData()));
        if (index == 0) {
            done(false, QStringLiteral("vip %1: interface %2 does not exist").arg(context().resource.name, name));
            return;
        }
        if (ifindex == 0)
            ifindex = index;
        if (std::none_of(links.cbegin(), links.cend(), [index](const auto& l) { return l.first == index; }))
            links.append({index, name});
    }
    // In use here already (pseudo-failure: the address of a server): refused,
    // whoever put it there; it is left as it is.
    const auto carriers = Netlink::interfacesWithIpv4(s.address, &reason);
    if (!carriers) {
        done(false, QStringLiteral("cannot list addresses: %1").arg(reason));
        return;
    }
    if (!carriers->isEmpty()) {
        done(false, QStringLiteral("%1 is in use: already configured on %2 of this server")
                        .arg(text_, carriers->join(QStringLiteral(", "))));
        return;
    }
    // In use by another host on one of the links: ARP-probe on all of them at once.
    pending_ = s;
    pendingIfindex_ = ifindex;
    pendingDone_ = std::move(done);
    for (const auto& [index, name] : links) {
        auto* probe = new AddressProbe(this);
        probes_.append(probe);
        if (!probe->start(s.address, text_, index, name,
                          [this, probe](const AddressProbe::Result& result) { onProbeResult(probe, result); },
                          &reason)) {
            finishActivation(false, reason);
            return;
        }
    }
}

void VipResource::onProbeResult(AddressProbe* probe, const AddressProbe::Result& result) {
    if (!pendingDone_ || !probes_.contains(probe))
        return;
    if (result.outcome != AddressProbe::Outcome::Free) {
        finishActivation(false, result.reason);
        return;
    }
    probes_.removeOne(probe);
    probe->deleteLater(); // we are inside its callback
    if (probes_.isEmpty())
        probesFinished();
}

void VipResource::probesFinished() {
    const Settings& s = pending_;
    const QString& ifname = s.ifnames.first();
    QString reason;
    if (!Netlink::addIpv4(pendingIfindex_, s.address, 32, &reason)) {
        finishActivation(false, QStringLiteral("cannot add %1/32 on %2: %3").arg(text_, ifname, reason));
        return;
    }
    auto* advertiser = new RipAdvertiser(s.address, s.metric, this);
    if (!advertiser->open(s.ifnames, &reason) || !advertiser->start(s.intervalMs, &reason)) {
        delete advertiser;
        QString ignored;
        Netlink::deleteIpv4(pendingIfindex_, s.address, 32, &ignored);
        finishActivation(false, QStringLiteral("cannot advertise %1: %2").arg(text_, reason));
        return;
    }
    advertiser_ = advertiser;
    finishActivation(true, QStringLiteral("%1/32 added on %2; RIPv2 advertisements on %3 every %4 s")
                               .arg(text_, ifname, s.ifnames.join(QStringLiteral(", ")))
                               .arg(s.intervalMs / 1000.0));
}

void VipResource::stopProbes() {
    for (AddressProbe* probe : std::as_const(probes_)) {
        probe->cancel();
        probe->deleteLater(); // we may be inside its callback
    }
    probes_.clear();
}

void VipResource::finishActivation(bool ok, const QString& reason) {
    stopProbes();
    Done done = std::move(pendingDone_);
    pendingDone_ = nullptr;
    if (done)
        done(ok, reason); // last: the callback may delete this driver
}

void VipResource::deactivate(ResourceEvent, Done done) {
    if (pendingDone_)
        finishActivation(false, QStringLiteral("activation of %1 cancelled by deactivation").arg(text_));
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
        const bool ok = removeVip(address, text_, &reason);
        done(ok, reason); // last: the callback may delete this driver
    };
    if (!advertiser_) {
        // Not advertised by this driver (the daemon restarted, or activation
        // failed): withdraw anyway if the address is here, a router may still
        // hold the route.
        const auto here = presence(*address, &reason);
        advertiser_ = new RipAdvertiser(*address, s.metric, this);
        if (!settingsOk || !here || here->asVip.isEmpty() || !advertiser_->open(s.ifnames, &reason)) {
            removeAddress();
            return;
        }
    }
    advertiser_->withdraw(std::move(removeAddress));
}

// Online while an interface carries the address as /32. The same address with
// another prefix is an address of this server (pseudo-failure #14): Offline, so
// that the group is activated, and refused, rather than taken as running.
ResourceState VipResource::observe(QString* reason) const {
    QString why;
    ResourceState state = ResourceState::Offline;
    const auto address = Netlink::parseIpv4(text_);
    std::optional<Presence> here;
    if (!address) {
        why = QStringLiteral("ip \"%1\" is not an IPv4 address").arg(text_);
        state = ResourceState::Error;
    } else if (here = presence(*address, &why); !here) {
        why = QStringLiteral("cannot list addresses: %1").arg(why);
        state = ResourceState::Error;
    } else if (!here->asVip.isEmpty()) {
        why = QStringLiteral("%1 is on %2").arg(text_, here->asVip.first().ifname);
        state = ResourceState::Online;
    } else if (!here->other.isEmpty()) {
        why = QStringLiteral("%1 is not active as a vip (%2 is an address of this server)")
                  .arg(text_, whereOther(text_, here->other));
    } else {
        why = QStringLiteral("%1 is not configured on this server").arg(text_);
    }
    if (reason)
        *reason = why;
    return state;
}

} // namespace lifeline::resources
