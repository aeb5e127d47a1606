#include "ArpSocket.h"

#include <QPointer>
#include <QSocketNotifier>
#include <QStringList>

#include <arpa/inet.h>
#include <cerrno>
#include <cstring>
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <net/if_arp.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

namespace lifeline::resources {

namespace {

// The ARP payload for Ethernet/IPv4 (RFC 826), network byte order.
struct __attribute__((packed)) ArpPacket {
    uint16_t hardwareType;
    uint16_t protocolType;
    uint8_t hardwareLength;
    uint8_t protocolLength;
    uint16_t operation;
    uint8_t senderMac[6];
    uint32_t senderIp;
    uint8_t targetMac[6];
    uint32_t targetIp;
};
static_assert(sizeof(ArpPacket) == 28);

QString errnoText(const char* what, int err) {
    return QStringLiteral("%1: %2").arg(QLatin1String(what), QString::fromLocal8Bit(strerror(err)));
}

} // namespace

ArpSocket::ArpSocket(QObject* parent) : QObject(parent) {}

ArpSocket::~ArpSocket() { close(); }

bool ArpSocket::open(int ifindex, QString* error) {
    close();
    // Protocol 0 at socket(): the kernel registers the receive hook only at bind()
    // with our interface; socket(ETH_P_ARP) + bind() would register it, then
    // unregister it for the rebind and wait for an RCU grace period (~6-12 ms).
    const int fd = ::socket(AF_PACKET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        if (error)
            *error = errnoText("ARP socket", errno);
        return false;
    }
    sockaddr_ll address{};
    address.sll_family = AF_PACKET;
    address.sll_protocol = htons(ETH_P_ARP);
    address.sll_ifindex = ifindex;
    ifreq request{};
    if (::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) < 0
        || !::if_indextoname(unsigned(ifindex), request.ifr_name)
        || ::ioctl(fd, SIOCGIFHWADDR, &request) < 0) {
        const int err = errno;
        ::close(fd);
        if (error)
            *error = errnoText("ARP socket on interface", err);
        return false;
    }
    if (request.ifr_hwaddr.sa_family != ARPHRD_ETHER) {
        ::close(fd);
        if (error)
            *error = QStringLiteral("interface %1 is not Ethernet").arg(QLatin1String(request.ifr_name));
        return false;
    }
    fd_ = fd;
    ifindex_ = ifindex;
    mac_ = QByteArray(request.ifr_hwaddr.sa_data, 6);
    notifier_ = new QSocketNotifier(qintptr(fd_), QSocketNotifier::Read, this);
    connect(notifier_, &QSocketNotifier::activated, this, &ArpSocket::readPending);
    return true;
}

void ArpSocket::close() {
    if (notifier_) {
        notifier_->setEnabled(false);
        delete notifier_;
        notifier_ = nullptr;
    }
    if (fd_ >= 0) {
        ::close(fd_);
        fd_ = -1;
    }
}

bool ArpSocket::sendProbe(uint32_t address, QString* error) { return send(0, address, error); }

bool ArpSocket::sendAnnouncement(uint32_t address, QString* error) { return send(address, address, error); }

bool ArpSocket::send(uint32_t senderIp, uint32_t targetIp, QString* error) {
    if (fd_ < 0) {
        if (error)
            *error = QStringLiteral("ARP socket is not open");
        return false;
    }
    ArpPacket packet{};
    packet.hardwareType = htons(ARPHRD_ETHER);
    packet.protocolType = htons(ETH_P_IP);
    packet.hardwareLength = 6;
    packet.protocolLength = 4;
    packet.operation = htons(ARPOP_REQUEST);
    std::memcpy(packet.senderMac, mac_.constData(), 6);
    packet.senderIp = htonl(senderIp);
    packet.targetIp = htonl(targetIp); // targetMac stays zero
    sockaddr_ll to{};
    to.sll_family = AF_PACKET;
    to.sll_protocol = htons(ETH_P_ARP);
    to.sll_ifindex = ifindex_;
    to.sll_halen = 6;
    std::memset(to.sll_addr, 0xff, 6);
    if (::sendto(fd_, &packet, sizeof packet, 0, reinterpret_cast<sockaddr*>(&to), sizeof to) < 0) {
        if (error)
            *error = errnoText("ARP send", errno);
        return false;
    }
    return true;
}

void ArpSocket::readPending() {
    const QPointer<ArpSocket> self(this); // a slot may delete us (a done callback)
    for (;;) {
        ArpPacket packet{};
        sockaddr_ll from{};
        socklen_t fromLength = sizeof from;
        const ssize_t n = ::recvfrom(fd_, &packet, sizeof packet, 0, reinterpret_cast<sockaddr*>(&from), &fromLength);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            return; // EAGAIN: drained
        }
        if (size_t(n) < sizeof packet || from.sll_pkttype == PACKET_OUTGOING)
            continue;
        if (ntohs(packet.hardwareType) != ARPHRD_ETHER || ntohs(packet.protocolType) != ETH_P_IP
            || packet.hardwareLength != 6 || packet.protocolLength != 4)
            continue;
        const QByteArray sender(reinterpret_cast<const char*>(packet.senderMac), 6);
        if (sender == mac_)
            continue;
        emit arpReceived(ntohs(packet.operation), sender, ntohl(packet.senderIp), ntohl(packet.targetIp));
        if (!self || fd_ < 0)
            return; // a slot deleted or closed us
    }
}

QString ArpSocket::formatMac(const QByteArray& mac) {
    QStringList parts;
    for (const char byte : mac)
        parts << QStringLiteral("%1").arg(uint(uint8_t(byte)), 2, 16, QLatin1Char('0'));
    return parts.join(QLatin1Char(':'));
}

} // namespace lifeline::resources
