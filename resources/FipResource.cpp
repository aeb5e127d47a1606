#include "FipResource.h"

#include "ArpSocket.h"
#include "IpAddress.h"
#include "Netlink.h"

namespace lifeline::resources {

FipResource::FipResource(ResourceContext context, QObject* parent)
    : ResourceDriver(std::move(context), parent) {
    text_ = this->context().resource.param(QStringLiteral("ip")).trimmed();
    probeTimer_.setSingleShot(true);
    probeTimer_.setTimerType(Qt::PreciseTimer);
    announceTimer_.setSingleShot(true);
    announceTimer_.setTimerType(Qt::PreciseTimer);
    connect(&probeTimer_, &QTimer::timeout, this, &FipResource::sendNextProbe);
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

    arp_ = new ArpSocket(this);
    if (!arp_->open(ifindex_, &reason)) {
        stopAll();
        done(false, QStringLiteral("%1 on %2: %3").arg(text_, ifname_, reason));
        return;
    }
    connect(arp_, &ArpSocket::arpReceived, this, &FipResource::onArp);
    pendingDone_ = std::move(done);
    phase_ = Phase::Probing;
    probesSent_ = 0;
    sendNextProbe();
}

void FipResource::sendNextProbe() {
    if (phase_ != Phase::Probing)
        return;
    if (probesSent_ >= kProbeCount) {
        probeFinished(); // the listening time after the last probe is over
        return;
    }
    QString reason;
    if (!arp_->sendProbe(address_, &reason)) {
        finishActivation(false, QStringLiteral("ARP probe for %1 on %2: %3").arg(text_, ifname_, reason));
        return;
    }
    ++probesSent_;
    probeTimer_.start(probesSent_ < kProbeCount ? kProbeIntervalMs : kProbeWaitMs);
}

void FipResource::onArp(int operation, const QByteArray& senderMac, uint32_t senderIp, uint32_t targetIp) {
    if (phase_ != Phase::Probing)
        return;
    const QString mac = ArpSocket::formatMac(senderMac);
    if (senderIp == address_) {
        finishActivation(false, QStringLiteral("%1 is in use by %2 (ARP %3 on %4)")
                                    .arg(text_, mac,
                                         operation == 2 ? QStringLiteral("reply") : QStringLiteral("request"),
                                         ifname_));
    } else if (senderIp == 0 && targetIp == address_ && operation == 1) {
        finishActivation(false, QStringLiteral("%1 is in use by %2 (it is probing for the address on %3)")
                                    .arg(text_, mac, ifname_));
    }
}

void FipResource::probeFinished() {
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
    probeTimer_.stop();
    announceTimer_.stop();
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
