#include "FipResource.h"

#include "ArpSocket.h"
#include "IpAddress.h"
#include "Netlink.h"

namespace lifeline::resources {

FipResource::FipResource(ResourceContext context, QObject* parent)
    : ResourceDriver(std::move(context), parent) {
    text_ = this->context().resource.param(QStringLiteral("ip")).trimmed();
    announceTimer_.setSingleShot(true);
    announceTimer_.setTimerType(Qt::PreciseTimer);
    connect(&announceTimer_, &QTimer::timeout, this, &FipResource::sendNextAnnouncement);
}

FipResource::~FipResource() { stopAll(); }

bool FipResource::parseAddress(QString* reason) {
    const auto parsed = Netlink::parseIpv4(text_);
    if (!parsed) {
        *reason = QStringLiteral("fip %1: ip \"%2\" is not an IPv4 address")
                      .arg(context().resource.name, text_);
        return false;
    }
    address_ = *parsed;
    return true;
}

void FipResource::activate(ResourceEvent, Done done) {
    if (phase_ == Phase::Probing) {
        done(false, QStringLiteral("activation of %1 is already in progress").arg(text_));
        return;
    }
    stopAll(); // announcements of an earlier activation
    elapsed_.start();
    QString reason;
    if (!parseAddress(&reason)) {
        done(false, reason);
        return;
    }
    const auto addresses = Netlink::ipv4Addresses(&reason);
    if (!addresses) {
        done(false, QStringLiteral("cannot list addresses: %1").arg(reason));
        return;
    }
    const Netlink::Ipv4Address* best = nullptr;
    for (const auto& a : *addresses) {
        if (a.address == address_) {
            done(true, QStringLiteral("%1 is already active on %2; left as it is").arg(text_, a.ifname));
            return;
        }
        if (a.prefixLength < 32 && a.subnetContains(address_) && (!best || a.prefixLength > best->prefixLength))
            best = &a;
    }
    if (!best) {
        done(false, QStringLiteral("no interface has a subnet containing %1").arg(text_));
        return;
    }
    ifindex_ = best->ifindex;
    ifname_ = best->ifname;
    prefixLength_ = best->prefixLength;

    pendingDone_ = std::move(done);
    phase_ = Phase::Probing;
    probe_ = new AddressProbe(this);
    // The first probe goes out now; the result comes from the event loop.
    if (!probe_->start(address_, text_, ifindex_, ifname_,
                       [this](const AddressProbe::Result& result) { onProbeResult(result); }, &reason))
        finishActivation(false, reason);
}

void FipResource::onProbeResult(const AddressProbe::Result& result) {
    if (phase_ != Phase::Probing)
        return;
    if (result.outcome == AddressProbe::Outcome::Free)
        probeFinished(); // the listening time after the last probe is over
    else
        finishActivation(false, result.reason);
}

void FipResource::probeFinished() {
    arp_ = probe_->takeSocket(this); // the announcements go out on it
    probe_->deleteLater();           // we are inside its callback
    probe_ = nullptr;
    QString reason;
    if (!Netlink::addIpv4(ifindex_, address_, prefixLength_, &reason)) {
        finishActivation(false, QStringLiteral("cannot add %1/%2 on %3: %4")
                                    .arg(text_).arg(prefixLength_).arg(ifname_, reason));
        return;
    }
    phase_ = Phase::Announcing;
    announcementsSent_ = 0;
    sendNextAnnouncement();
    finishActivation(true, QStringLiteral("%1/%2 added on %3 in %4 ms")
                               .arg(text_).arg(prefixLength_).arg(ifname_).arg(elapsed_.elapsed()));
}

void FipResource::sendNextAnnouncement() {
    if (phase_ != Phase::Announcing || !arp_)
        return;
    QString reason;
    if (!arp_->sendAnnouncement(address_, &reason))
        qWarning("fip %s: gratuitous ARP for %s on %s: %s", qPrintable(context().resource.name),
                 qPrintable(text_), qPrintable(ifname_), qPrintable(reason));
    if (++announcementsSent_ < kAnnounceCount) {
        announceTimer_.start(kAnnounceIntervalMs);
    } else {
        stopAll();
    }
}

void FipResource::stopAll() {
    announceTimer_.stop();
    if (probe_) {
        probe_->cancel();
        probe_->deleteLater(); // we may be inside its callback
        probe_ = nullptr;
    }
    if (arp_) {
        arp_->close();
        arp_->deleteLater(); // we may be inside its arpReceived
        arp_ = nullptr;
    }
    phase_ = Phase::Idle;
}

void FipResource::finishActivation(bool ok, const QString& reason) {
    Done done = std::move(pendingDone_);
    pendingDone_ = nullptr;
    if (!ok || phase_ == Phase::Probing)
        stopAll();
    if (done)
        done(ok, reason); // last: the callback may delete this driver
}

void FipResource::deactivate(ResourceEvent, Done done) {
    if (pendingDone_)
        finishActivation(false, QStringLiteral("activation of %1 cancelled by deactivation").arg(text_));
    stopAll();
    QString reason;
    if (!parseAddress(&reason)) {
        done(false, reason);
        return;
    }
    const bool ok = ipaddress::remove(address_, text_, &reason);
    done(ok, reason);
}

ResourceState FipResource::observe(QString* reason) const { return ipaddress::observe(text_, reason); }

} // namespace lifeline::resources
