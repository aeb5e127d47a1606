#include "RipAdvertiser.h"

#include "Netlink.h"

#include <arpa/inet.h>
#include <cerrno>
#include <cstring>
#include <net/if.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

namespace lifeline::resources {

namespace {

QString errnoText(const char* what) {
    return QStringLiteral("%1: %2").arg(QLatin1String(what), QString::fromLocal8Bit(strerror(errno)));
}

void put16(QByteArray& out, uint16_t value) {
    out.append(char(value >> 8)).append(char(value & 0xff));
}

void put32(QByteArray& out, uint32_t value) {
    put16(out, uint16_t(value >> 16));
    put16(out, uint16_t(value & 0xffff));
}

} // namespace

QByteArray RipAdvertiser::encodeResponse(const QList<Entry>& entries) {
    QByteArray out;
    out.reserve(4 + 20 * entries.size());
    out.append(char(2)).append(char(2)); // command Response, version 2
    put16(out, 0);
    for (const Entry& e : entries) {
        put16(out, AF_INET); // address family identifier: 2 = IP
        put16(out, e.routeTag);
        put32(out, e.address);
        put32(out, e.mask);
        put32(out, e.nextHop);
        put32(out, e.metric);
    }
    return out;
}

RipAdvertiser::RipAdvertiser(uint32_t address, uint32_t metric, QObject* parent)
    : QObject(parent), address_(address), metric_(metric) {
    withdrawTimer_.setSingleShot(true);
    connect(&timer_, &QTimer::timeout, this, &RipAdvertiser::advertise);
    connect(&withdrawTimer_, &QTimer::timeout, this, &RipAdvertiser::sendWithdrawal);
}

RipAdvertiser::~RipAdvertiser() { closeAll(); }

bool RipAdvertiser::open(const QStringList& ifnames, QString* error) {
    closeAll();
    const auto addresses = Netlink::ipv4Addresses(error);
    if (!addresses) {
        *error = QStringLiteral("cannot list addresses: %1").arg(*error);
        return false;
    }
    for (const QString& ifname : ifnames) {
        if (::if_nametoindex(ifname.toLocal8Bit().constData()) == 0) {
            *error = QStringLiteral("interface %1 does not exist").arg(ifname);
            closeAll();
            return false;
        }
        // The interface's own (primary) address: the router's neighbour.
        const Netlink::Ipv4Address* source = nullptr;
        for (const auto& a : *addresses) {
            if (a.ifname == ifname && a.address != address_ && a.prefixLength < 32 &&
                (!source || (source->secondary && !a.secondary)))
                source = &a;
        }
        if (!source) {
            *error = QStringLiteral("%1 has no IPv4 address of its own to send RIP from").arg(ifname);
            closeAll();
            return false;
        }
        Link link;
        if (!openLink(ifname, source->address, &link, error)) {
            closeAll();
            return false;
        }
        links_ << link;
    }
    return true;
}

bool RipAdvertiser::start(int intervalMs, QString* error) {
    if (!sendAll(metric_, error)) {
        closeAll();
        return false;
    }
    timer_.start(intervalMs);
    return true;
}

bool RipAdvertiser::openLink(const QString& ifname, uint32_t source, Link* link, QString* error) {
    const QByteArray name = ifname.toLocal8Bit();
    const int ifindex = int(::if_nametoindex(name.constData()));
    const int fd = ::socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        *error = errnoText("socket");
        return false;
    }
    const int one = 1;
    const int ttl = 1;      // RIP never leaves the link
    const int loop = 0;     // a local routing daemon need not hear us
    ip_mreqn multicastIf{};
    multicastIf.imr_ifindex = ifindex;
    sockaddr_in local{};
    local.sin_family = AF_INET;
    local.sin_port = htons(kPort); // routers drop Responses from any other port
    local.sin_addr.s_addr = htonl(source);
    const char* failed = nullptr;
    // SO_REUSEADDR: a routing daemon may hold 0.0.0.0:520 on this host.
    if (::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) < 0)
        failed = "SO_REUSEADDR";
    else if (::setsockopt(fd, SOL_SOCKET, SO_BINDTODEVICE, name.constData(), socklen_t(name.size())) < 0)
        failed = "SO_BINDTODEVICE";
    else if (::setsockopt(fd, IPPROTO_IP, IP_MULTICAST_IF, &multicastIf, sizeof multicastIf) < 0)
        failed = "IP_MULTICAST_IF";
    else if (::setsockopt(fd, IPPROTO_IP, IP_MULTICAST_TTL, &ttl, sizeof ttl) < 0)
        failed = "IP_MULTICAST_TTL";
    else if (::setsockopt(fd, IPPROTO_IP, IP_MULTICAST_LOOP, &loop, sizeof loop) < 0)
        failed = "IP_MULTICAST_LOOP";
    else if (::bind(fd, reinterpret_cast<sockaddr*>(&local), sizeof local) < 0)
        failed = "bind";
    if (failed) {
        *error = QStringLiteral("RIP socket on %1 (%2:%3): %4")
                     .arg(ifname, Netlink::formatIpv4(source)).arg(kPort).arg(errnoText(failed));
        ::close(fd);
        return false;
    }
    link->ifname = ifname;
    link->fd = fd;
    return true;
}

bool RipAdvertiser::sendAll(uint32_t metric, QString* error) {
    Entry entry;
    entry.address = address_;
    entry.metric = metric;
    const QByteArray packet = encodeResponse({entry});
    sockaddr_in group{};
    group.sin_family = AF_INET;
    group.sin_port = htons(kPort);
    group.sin_addr.s_addr = htonl(kGroup);
    bool ok = true;
    for (const Link& link : links_) {
        if (::sendto(link.fd, packet.constData(), size_t(packet.size()), 0, reinterpret_cast<sockaddr*>(&group),
                     sizeof group) < 0) {
            *error = QStringLiteral("RIP on %1: %2").arg(link.ifname, errnoText("sendto"));
            ok = false; // the other interfaces still get theirs
        }
    }
    return ok;
}

void RipAdvertiser::advertise() {
    QString error;
    if (!sendAll(metric_, &error))
        qWarning("RIP advertisement of %s: %s", qPrintable(Netlink::formatIpv4(address_)), qPrintable(error));
}

void RipAdvertiser::withdraw(std::function<void()> done) {
    timer_.stop();
    withdrawDone_ = std::move(done);
    withdrawalsSent_ = 0;
    sendWithdrawal();
}

void RipAdvertiser::sendWithdrawal() {
    QString error;
    if (!sendAll(kInfinity, &error))
        qWarning("RIP withdrawal of %s: %s", qPrintable(Netlink::formatIpv4(address_)), qPrintable(error));
    if (++withdrawalsSent_ < kWithdrawCount) {
        withdrawTimer_.start(kWithdrawIntervalMs);
        return;
    }
    closeAll();
    auto done = std::move(withdrawDone_);
    withdrawDone_ = nullptr;
    if (done)
        done(); // last: it may delete this advertiser
}

void RipAdvertiser::closeAll() {
    timer_.stop();
    withdrawTimer_.stop();
    for (const Link& link : links_)
        ::close(link.fd);
    links_.clear();
}

} // namespace lifeline::resources
