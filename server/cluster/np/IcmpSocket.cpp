#include "IcmpSocket.h"

#include <QRandomGenerator>

#include <arpa/inet.h>
#include <cerrno>
#include <cstring>
#include <netinet/icmp6.h>
#include <netinet/in.h>
#include <netinet/ip.h>
#include <netinet/ip_icmp.h>
#include <sys/socket.h>
#include <unistd.h>

namespace lifeline::np {

namespace {

constexpr char kMagic[8] = {'L', 'I', 'F', 'E', 'L', 'I', 'N', 'E'};

quint16 checksum(const unsigned char* data, size_t length) {
    quint32 sum = 0;
    for (size_t i = 0; i + 1 < length; i += 2)
        sum += quint32(data[i] << 8 | data[i + 1]);
    if (length & 1)
        sum += quint32(data[length - 1] << 8);
    while (sum >> 16)
        sum = (sum & 0xffff) + (sum >> 16);
    return quint16(~sum);
}

} // namespace

IcmpSocket::IcmpSocket(QAbstractSocket::NetworkLayerProtocol family, QObject* parent)
    : QObject(parent), family_(family) {
    const bool v6 = family == QAbstractSocket::IPv6Protocol;
    const int domain = v6 ? AF_INET6 : AF_INET;
    const int protocol = v6 ? int(IPPROTO_ICMPV6) : int(IPPROTO_ICMP);
    fd_ = ::socket(domain, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, protocol);
    raw_ = fd_ >= 0;
    if (fd_ < 0 && (errno == EPERM || errno == EACCES))
        fd_ = ::socket(domain, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, protocol);
    if (fd_ < 0) {
        error_ = QStringLiteral("cannot open an ICMP%1 socket: %2 (Lifeline needs root, or "
                                "net.ipv4.ping_group_range covering its group)")
                     .arg(v6 ? QStringLiteral("v6") : QString(), QString::fromLocal8Bit(strerror(errno)));
        return;
    }
    identifier_ = quint16(QRandomGenerator::global()->generate());
    notifier_ = std::make_unique<QSocketNotifier>(fd_, QSocketNotifier::Read);
    connect(notifier_.get(), &QSocketNotifier::activated, this, &IcmpSocket::readReplies);
}

IcmpSocket::~IcmpSocket() {
    notifier_.reset();
    if (fd_ >= 0)
        ::close(fd_);
}

bool IcmpSocket::sendEcho(const QHostAddress& target, quint16 sequence) {
    if (fd_ < 0)
        return false;
    unsigned char packet[8 + sizeof kMagic] = {};
    const bool v6 = family_ == QAbstractSocket::IPv6Protocol;
    packet[0] = v6 ? ICMP6_ECHO_REQUEST : ICMP_ECHO;
    packet[4] = identifier_ >> 8;
    packet[5] = identifier_ & 0xff;
    packet[6] = sequence >> 8;
    packet[7] = sequence & 0xff;
    std::memcpy(packet + 8, kMagic, sizeof kMagic);
    if (!v6) { // the kernel computes ICMPv6 checksums itself
        const quint16 sum = checksum(packet, sizeof packet);
        packet[2] = sum >> 8;
        packet[3] = sum & 0xff;
    }
    sockaddr_storage to{};
    socklen_t toLength = 0;
    if (v6) {
        auto* a = reinterpret_cast<sockaddr_in6*>(&to);
        a->sin6_family = AF_INET6;
        const Q_IPV6ADDR bytes = target.toIPv6Address();
        std::memcpy(&a->sin6_addr, bytes.c, 16);
        toLength = sizeof(sockaddr_in6);
    } else {
        auto* a = reinterpret_cast<sockaddr_in*>(&to);
        a->sin_family = AF_INET;
        a->sin_addr.s_addr = htonl(target.toIPv4Address());
        toLength = sizeof(sockaddr_in);
    }
    if (::sendto(fd_, packet, sizeof packet, 0, reinterpret_cast<sockaddr*>(&to), toLength) < 0) {
        error_ = QStringLiteral("ping %1: %2").arg(target.toString(), QString::fromLocal8Bit(strerror(errno)));
        return false;
    }
    return true;
}

void IcmpSocket::readReplies() {
    const bool v6 = family_ == QAbstractSocket::IPv6Protocol;
    for (;;) {
        unsigned char buffer[1500];
        sockaddr_storage from{};
        socklen_t fromLength = sizeof from;
        const ssize_t n = ::recvfrom(fd_, buffer, sizeof buffer, 0,
                                     reinterpret_cast<sockaddr*>(&from), &fromLength);
        if (n < 0)
            return; // EAGAIN: drained
        const unsigned char* icmp = buffer;
        ssize_t length = n;
        if (raw_ && !v6) { // raw IPv4 sockets deliver the IP header too
            const int headerLength = (buffer[0] & 0x0f) * 4;
            if (length < headerLength + 8)
                continue;
            icmp += headerLength;
            length -= headerLength;
        }
        if (length < 8 || icmp[0] != (v6 ? ICMP6_ECHO_REPLY : ICMP_ECHOREPLY))
            continue;
        // Datagram sockets rewrite the identifier; the kernel already matched it.
        const quint16 id = quint16(icmp[4] << 8 | icmp[5]);
        if (raw_ && id != identifier_)
            continue;
        if (length < 8 + qsizetype(sizeof kMagic) || std::memcmp(icmp + 8, kMagic, sizeof kMagic) != 0)
            continue;
        const quint16 sequence = quint16(icmp[6] << 8 | icmp[7]);
        emit echoReply(QHostAddress(reinterpret_cast<sockaddr*>(&from)), sequence);
    }
}

} // namespace lifeline::np
