#include "Netlink.h"

#include <arpa/inet.h>
#include <cerrno>
#include <cstring>
#include <linux/if_addr.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <vector>

namespace lifeline::resources {

namespace {

QString errnoText(const char* what, int err) {
    return QStringLiteral("%1: %2").arg(QLatin1String(what), QString::fromLocal8Bit(strerror(err)));
}

uint32_t maskFor(int prefixLength) {
    if (prefixLength <= 0)
        return 0;
    if (prefixLength >= 32)
        return 0xffffffffu;
    return ~((1u << (32 - prefixLength)) - 1u);
}

// RAII netlink socket.
class Socket {
public:
    Socket() {
        fd_ = ::socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
        if (fd_ >= 0) {
            timeval tv{1, 0};
            ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
            sockaddr_nl local{};
            local.nl_family = AF_NETLINK;
            if (::bind(fd_, reinterpret_cast<sockaddr*>(&local), sizeof local) < 0) {
                const int err = errno;
                ::close(fd_);
                fd_ = -1;
                errno = err;
            }
        }
    }
    ~Socket() {
        if (fd_ >= 0)
            ::close(fd_);
    }
    Socket(const Socket&) = delete;
    Socket& operator=(const Socket&) = delete;
    int fd() const { return fd_; }

private:
    int fd_ = -1;
};

bool sendRequest(int fd, const void* data, size_t size, QString* error) {
    sockaddr_nl kernel{};
    kernel.nl_family = AF_NETLINK;
    if (::sendto(fd, data, size, 0, reinterpret_cast<sockaddr*>(&kernel), sizeof kernel) < 0) {
        if (error)
            *error = errnoText("rtnetlink send", errno);
        return false;
    }
    return true;
}

// Reads answers to `seq` until NLMSG_DONE (dump) or an NLMSG_ERROR (ack).
// `onMessage` sees every other message. Returns 0 or the negative errno of the ack.
template<typename F>
int receive(int fd, uint32_t seq, F&& onMessage, QString* error) {
    std::vector<char> buffer(32768);
    for (;;) {
        const ssize_t n = ::recv(fd, buffer.data(), buffer.size(), 0);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            const int err = errno;
            if (error)
                *error = errnoText("rtnetlink receive", err);
            return -err;
        }
        int len = int(n);
        for (auto* h = reinterpret_cast<nlmsghdr*>(buffer.data()); NLMSG_OK(h, len); h = NLMSG_NEXT(h, len)) {
            if (h->nlmsg_seq != seq)
                continue;
            if (h->nlmsg_type == NLMSG_DONE)
                return 0;
            if (h->nlmsg_type == NLMSG_ERROR) {
                const auto* e = static_cast<const nlmsgerr*>(NLMSG_DATA(h));
                if (e->error != 0 && error)
                    *error = errnoText("rtnetlink", -e->error);
                return e->error;
            }
            onMessage(h);
        }
    }
}

struct AddrRequest {
    nlmsghdr header;
    ifaddrmsg message;
    char attributes[64];
};

void addAttribute(AddrRequest& request, unsigned short type, const void* data, unsigned short size) {
    auto* rta = reinterpret_cast<rtattr*>(reinterpret_cast<char*>(&request) + NLMSG_ALIGN(request.header.nlmsg_len));
    rta->rta_type = type;
    rta->rta_len = RTA_LENGTH(size);
    std::memcpy(RTA_DATA(rta), data, size);
    request.header.nlmsg_len = NLMSG_ALIGN(request.header.nlmsg_len) + RTA_ALIGN(rta->rta_len);
}

bool changeAddress(uint16_t type, uint16_t flags, int ifindex, uint32_t address, int prefixLength,
                   QString* error) {
    Socket socket;
    if (socket.fd() < 0) {
        if (error)
            *error = errnoText("rtnetlink socket", errno);
        return false;
    }
    static uint32_t sequence = 1000;
    const uint32_t seq = ++sequence;
    AddrRequest request{};
    request.header.nlmsg_len = NLMSG_LENGTH(sizeof(ifaddrmsg));
    request.header.nlmsg_type = type;
    request.header.nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK | flags;
    request.header.nlmsg_seq = seq;
    request.message.ifa_family = AF_INET;
    request.message.ifa_prefixlen = static_cast<unsigned char>(prefixLength);
    request.message.ifa_scope = RT_SCOPE_UNIVERSE;
    request.message.ifa_index = static_cast<unsigned>(ifindex);
    const uint32_t net = htonl(address);
    addAttribute(request, IFA_LOCAL, &net, sizeof net);
    addAttribute(request, IFA_ADDRESS, &net, sizeof net);
    if (type == RTM_NEWADDR && prefixLength < 31) {
        const uint32_t broadcast = htonl(address | ~maskFor(prefixLength));
        addAttribute(request, IFA_BROADCAST, &broadcast, sizeof broadcast);
    }
    if (!sendRequest(socket.fd(), &request, request.header.nlmsg_len, error))
        return false;
    return receive(socket.fd(), seq, [](const nlmsghdr*) {}, error) == 0;
}

} // namespace

bool Netlink::Ipv4Address::subnetContains(uint32_t other) const {
    const uint32_t mask = maskFor(prefixLength);
    return (address & mask) == (other & mask);
}

std::optional<QList<Netlink::Ipv4Address>> Netlink::ipv4Addresses(QString* error) {
    Socket socket;
    if (socket.fd() < 0) {
        if (error)
            *error = errnoText("rtnetlink socket", errno);
        return std::nullopt;
    }
    static uint32_t sequence = 1;
    const uint32_t seq = ++sequence;
    struct {
        nlmsghdr header;
        ifaddrmsg message;
    } request{};
    request.header.nlmsg_len = NLMSG_LENGTH(sizeof(ifaddrmsg));
    request.header.nlmsg_type = RTM_GETADDR;
    request.header.nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
    request.header.nlmsg_seq = seq;
    request.message.ifa_family = AF_INET;
    if (!sendRequest(socket.fd(), &request, request.header.nlmsg_len, error))
        return std::nullopt;

    QList<Ipv4Address> result;
    const int rc = receive(
        socket.fd(), seq,
        [&result](const nlmsghdr* h) {
            if (h->nlmsg_type != RTM_NEWADDR)
                return;
            const auto* msg = static_cast<const ifaddrmsg*>(NLMSG_DATA(h));
            if (msg->ifa_family != AF_INET)
                return;
            Ipv4Address entry;
            entry.ifindex = int(msg->ifa_index);
            entry.prefixLength = msg->ifa_prefixlen;
            uint32_t flags = msg->ifa_flags;
            bool haveLocal = false;
            int attrLen = int(IFA_PAYLOAD(h));
            for (auto* rta = IFA_RTA(msg); RTA_OK(rta, attrLen); rta = RTA_NEXT(rta, attrLen)) {
                if (rta->rta_type == IFA_LOCAL && RTA_PAYLOAD(rta) >= 4) {
                    uint32_t net;
                    std::memcpy(&net, RTA_DATA(rta), 4);
                    entry.address = ntohl(net);
                    haveLocal = true;
                } else if (rta->rta_type == IFA_ADDRESS && !haveLocal && RTA_PAYLOAD(rta) >= 4) {
                    uint32_t net;
                    std::memcpy(&net, RTA_DATA(rta), 4);
                    entry.address = ntohl(net);
                } else if (rta->rta_type == IFA_LABEL) {
                    entry.ifname = QString::fromLocal8Bit(static_cast<const char*>(RTA_DATA(rta)));
                } else if (rta->rta_type == IFA_FLAGS && RTA_PAYLOAD(rta) >= 4) {
                    std::memcpy(&flags, RTA_DATA(rta), 4);
                }
            }
            entry.secondary = flags & IFA_F_SECONDARY;
            char name[IF_NAMESIZE] = {};
            if (::if_indextoname(msg->ifa_index, name))
                entry.ifname = QString::fromLocal8Bit(name); // the device, not an alias label
            result.append(entry);
        },
        error);
    if (rc != 0)
        return std::nullopt;
    return result;
}

bool Netlink::addIpv4(int ifindex, uint32_t address, int prefixLength, QString* error) {
    return changeAddress(RTM_NEWADDR, NLM_F_CREATE | NLM_F_EXCL, ifindex, address, prefixLength, error);
}

bool Netlink::deleteIpv4(int ifindex, uint32_t address, int prefixLength, QString* error) {
    return changeAddress(RTM_DELADDR, 0, ifindex, address, prefixLength, error);
}

std::optional<QStringList> Netlink::interfacesWithIpv4(uint32_t address, QString* error) {
    const auto addresses = ipv4Addresses(error);
    if (!addresses)
        return std::nullopt;
    QStringList names;
    for (const auto& a : *addresses) {
        if (a.address == address)
            names << a.ifname;
    }
    return names;
}

bool Netlink::removeIpv4Everywhere(uint32_t address, QStringList* removedFrom, QString* error) {
    QString reason;
    const auto addresses = ipv4Addresses(&reason);
    if (!addresses) {
        *error = QStringLiteral("cannot list addresses: %1").arg(reason);
        return false;
    }
    for (const auto& a : *addresses) {
        if (a.address != address)
            continue;
        if (!deleteIpv4(a.ifindex, a.address, a.prefixLength, &reason)) {
            *error = QStringLiteral("cannot remove %1 from %2: %3").arg(formatIpv4(address), a.ifname, reason);
            return false;
        }
        *removedFrom << a.ifname;
    }
    return true;
}

QString Netlink::formatIpv4(uint32_t address) {
    return QStringLiteral("%1.%2.%3.%4")
        .arg(address >> 24)
        .arg((address >> 16) & 0xff)
        .arg((address >> 8) & 0xff)
        .arg(address & 0xff);
}

std::optional<uint32_t> Netlink::parseIpv4(const QString& text) {
    in_addr parsed{};
    const QByteArray latin = text.trimmed().toLatin1();
    if (latin.isEmpty() || ::inet_pton(AF_INET, latin.constData(), &parsed) != 1)
        return std::nullopt;
    return ntohl(parsed.s_addr);
}

} // namespace lifeline::resources
