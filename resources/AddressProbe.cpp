#include "AddressProbe.h"

#include "ArpSocket.h"

namespace lifeline::resources {

AddressProbe::AddressProbe(QObject* parent) : QObject(parent) {
    timer_.setSingleShot(true);
    timer_.setTimerType(Qt::PreciseTimer);
    connect(&timer_, &QTimer::timeout, this, &AddressProbe::sendNextProbe);
}

AddressProbe::~AddressProbe() { cancel(); }

bool AddressProbe::start(uint32_t address, const QString& text, int ifindex, const QString& ifname,
                         Callback callback, QString* error) {
    cancel();
    address_ = address;
    text_ = text;
    ifname_ = ifname;
    probesSent_ = 0;
    arp_ = new ArpSocket(this);
    QString reason;
    if (!arp_->open(ifindex, &reason)) {
        closeSocket();
        if (error)
            *error = QStringLiteral("%1 on %2: %3").arg(text_, ifname_, reason);
        return false;
    }
    connect(arp_, &ArpSocket::arpReceived, this, &AddressProbe::onArp);
    if (!arp_->sendProbe(address_, &reason)) {
        closeSocket();
        if (error)
            *error = QStringLiteral("ARP probe for %1 on %2: %3").arg(text_, ifname_, reason);
        return false;
    }
    ++probesSent_;
    callback_ = std::move(callback);
    timer_.start(probesSent_ < kProbeCount ? kProbeIntervalMs : kProbeWaitMs);
    return true;
}

void AddressProbe::sendNextProbe() {
    if (!callback_)
        return;
    if (probesSent_ >= kProbeCount) {
        finish(Outcome::Free, QString()); // the listening time after the last probe is over
        return;
    }
    QString reason;
    if (!arp_->sendProbe(address_, &reason)) {
        finish(Outcome::Failed, QStringLiteral("ARP probe for %1 on %2: %3").arg(text_, ifname_, reason));
        return;
    }
    ++probesSent_;
    timer_.start(probesSent_ < kProbeCount ? kProbeIntervalMs : kProbeWaitMs);
}

void AddressProbe::onArp(int operation, const QByteArray& senderMac, uint32_t senderIp, uint32_t targetIp) {
    if (!callback_)
        return;
    const QString mac = ArpSocket::formatMac(senderMac);
    if (senderIp == address_) {
        finish(Outcome::InUse,
               QStringLiteral("%1 is in use by %2 (ARP %3 on %4)")
                   .arg(text_, mac, operation == 2 ? QStringLiteral("reply") : QStringLiteral("request"), ifname_),
               senderMac);
    } else if (senderIp == 0 && targetIp == address_ && operation == 1) {
        finish(Outcome::InUse,
               QStringLiteral("%1 is in use by %2 (it is probing for the address on %3)").arg(text_, mac, ifname_),
               senderMac);
    }
}

void AddressProbe::finish(Outcome outcome, const QString& reason, const QByteArray& mac) {
    Callback callback = std::move(callback_);
    callback_ = nullptr;
    timer_.stop();
    if (outcome != Outcome::Free)
        closeSocket(); // Free: kept open for takeSocket()
    else if (arp_)
        disconnect(arp_, &ArpSocket::arpReceived, this, &AddressProbe::onArp);
    if (callback)
        callback(Result{outcome, reason, mac}); // last: the callback may deleteLater() us
}

void AddressProbe::cancel() {
    callback_ = nullptr;
    timer_.stop();
    closeSocket();
}

ArpSocket* AddressProbe::takeSocket(QObject* parent) {
    if (callback_ || !arp_ || !arp_->isOpen())
        return nullptr;
    ArpSocket* socket = arp_;
    arp_ = nullptr;
    disconnect(socket, nullptr, this, nullptr);
    socket->setParent(parent);
    return socket;
}

void AddressProbe::closeSocket() {
    if (arp_) {
        arp_->close();
        arp_->deleteLater(); // we may be inside its arpReceived
        arp_ = nullptr;
    }
}

} // namespace lifeline::resources
