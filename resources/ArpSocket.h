#pragma once

#include <QByteArray>
#include <QObject>
#include <QString>

#include <cstdint>

class QSocketNotifier;

namespace lifeline::resources {

// An AF_PACKET (SOCK_DGRAM, ETH_P_ARP) socket bound to one interface: sends
// RFC 5227 ARP probes and gratuitous ARP announcements, and reports every ARP
// packet another host sends on the link (our own transmissions are filtered)
// through arpReceived, driven by a QSocketNotifier: nothing here blocks.
// Addresses are IPv4 in host byte order; MACs are 6 raw bytes.
class ArpSocket : public QObject {
    Q_OBJECT
public:
    explicit ArpSocket(QObject* parent = nullptr);
    ~ArpSocket() override;

    bool open(int ifindex, QString* error);
    void close();
    bool isOpen() const { return fd_ >= 0; }
    QByteArray localMac() const { return mac_; }

    // ARP request, sender IP 0.0.0.0, target = `address`, broadcast (RFC 5227 2.1.1).
    bool sendProbe(uint32_t address, QString* error);
    // Gratuitous ARP request, sender IP = target IP = `address`, broadcast (RFC 5227 2.3).
    bool sendAnnouncement(uint32_t address, QString* error);

    static QString formatMac(const QByteArray& mac); // "02:00:5e:00:00:01"

signals:
    // operation: 1 request, 2 reply.
    void arpReceived(int operation, const QByteArray& senderMac, uint32_t senderIp, uint32_t targetIp);

private:
    bool send(uint32_t senderIp, uint32_t targetIp, QString* error);
    void readPending();

    int fd_ = -1;
    int ifindex_ = 0;
    QByteArray mac_;
    QSocketNotifier* notifier_ = nullptr;
};

} // namespace lifeline::resources
