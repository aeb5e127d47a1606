#include "LinkState.h"

#include <cerrno>
#include <cstring>
#include <linux/if.h>
#include <linux/if_link.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

namespace lifeline::monitors {

static QString errnoText(int error) { return QString::fromLocal8Bit(std::strerror(error)); }

// IFLA_IFNAME of an RTM_NEWLINK/RTM_DELLINK message, and fills *state.
static QString parseLink(const nlmsghdr* h, LinkState* state) {
    const auto* info = static_cast<const ifinfomsg*>(NLMSG_DATA(h));
    QString name;
    int len = int(h->nlmsg_len) - int(NLMSG_LENGTH(sizeof(*info)));
    for (auto* a = IFLA_RTA(info); RTA_OK(a, len); a = RTA_NEXT(a, len)) {
        if (a->rta_type == IFLA_IFNAME)
            name = QString::fromLocal8Bit(static_cast<const char*>(RTA_DATA(a)));
        else if (a->rta_type == IFLA_OPERSTATE && state)
            state->operState = *static_cast<const uint8_t*>(RTA_DATA(a));
    }
    if (state) {
        state->ifname = name;
        state->up = info->ifi_flags & IFF_UP;
        state->running = info->ifi_flags & IFF_RUNNING;
    }
    return name;
}

std::optional<LinkState> LinkState::query(const QString& ifname, QString* error) {
    QString ignored;
    if (!error)
        error = &ignored;
    const QByteArray name = ifname.toLocal8Bit();
    if (name.isEmpty() || name.size() >= IFNAMSIZ) {
        *error = QStringLiteral("\"%1\" is not an interface name").arg(ifname);
        return std::nullopt;
    }
    const int fd = ::socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
    if (fd < 0) {
        *error = QStringLiteral("netlink socket: %1").arg(errnoText(errno));
        return std::nullopt;
    }
    // The kernel answers at once; the timeout only guards against a broken path.
    const timeval timeout{1, 0};
    ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);

    struct {
        nlmsghdr header;
        ifinfomsg info;
        char attributes[RTA_SPACE(IFNAMSIZ)];
    } request{};
    request.header.nlmsg_type = RTM_GETLINK;
    request.header.nlmsg_flags = NLM_F_REQUEST;
    request.header.nlmsg_seq = 1;
    request.info.ifi_family = AF_UNSPEC;
    auto* attribute = reinterpret_cast<rtattr*>(request.attributes);
    attribute->rta_type = IFLA_IFNAME;
    attribute->rta_len = RTA_LENGTH(name.size() + 1);
    std::memcpy(RTA_DATA(attribute), name.constData(), name.size() + 1);
    request.header.nlmsg_len = NLMSG_LENGTH(sizeof(ifinfomsg)) + RTA_SPACE(name.size() + 1);

    std::optional<LinkState> result;
    alignas(nlmsghdr) char buffer[16384];
    if (::send(fd, &request, request.header.nlmsg_len, 0) < 0) {
        *error = QStringLiteral("netlink RTM_GETLINK: %1").arg(errnoText(errno));
    } else if (const ssize_t n = ::recv(fd, buffer, sizeof buffer, 0); n < 0) {
        *error = QStringLiteral("netlink RTM_GETLINK: %1").arg(errnoText(errno));
    } else {
        const auto* h = reinterpret_cast<const nlmsghdr*>(buffer);
        int len = int(n);
        if (!NLMSG_OK(h, len)) {
            *error = QStringLiteral("netlink RTM_GETLINK: short answer");
        } else if (h->nlmsg_type == NLMSG_ERROR) {
            const int e = -static_cast<const nlmsgerr*>(NLMSG_DATA(h))->error;
            *error = e == ENODEV ? QStringLiteral("interface %1 does not exist").arg(ifname)
                                 : QStringLiteral("netlink RTM_GETLINK %1: %2").arg(ifname, errnoText(e));
        } else if (h->nlmsg_type == RTM_NEWLINK) {
            result.emplace();
            parseLink(h, &*result);
        } else {
            *error = QStringLiteral("netlink RTM_GETLINK: unexpected answer %1").arg(h->nlmsg_type);
        }
    }
    ::close(fd);
    return result;
}

QString LinkState::problem() const {
    if (!up)
        return QStringLiteral("%1 is administratively down").arg(ifname);
    // IFF_RUNNING is the kernel's own summary of carrier and operstate (RFC 2863):
    // a dummy link (operstate UNKNOWN) is running, a veth whose peer is down is not.
    if (!running || operState == IF_OPER_DOWN || operState == IF_OPER_LOWERLAYERDOWN) {
        static const char* const names[] = {"unknown", "notpresent", "down", "lowerlayerdown",
                                            "testing", "dormant", "up"};
        const char* oper = operState >= 0 && operState <= IF_OPER_UP ? names[operState] : "?";
        return QStringLiteral("%1: NO-CARRIER (operstate %2)").arg(ifname, QLatin1String(oper));
    }
    return {};
}

LinkWatcher::LinkWatcher(QString ifname, QObject* parent) : QObject(parent), ifname_(std::move(ifname)) {
    fd_ = ::socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC | SOCK_NONBLOCK, NETLINK_ROUTE);
    sockaddr_nl address{};
    address.nl_family = AF_NETLINK;
    address.nl_groups = RTMGRP_LINK;
    if (fd_ < 0 || ::bind(fd_, reinterpret_cast<sockaddr*>(&address), sizeof address) < 0) {
        error_ = QStringLiteral("netlink RTMGRP_LINK: %1").arg(errnoText(errno));
        if (fd_ >= 0)
            ::close(fd_);
        fd_ = -1;
        return;
    }
    notifier_ = std::make_unique<QSocketNotifier>(fd_, QSocketNotifier::Read);
    connect(notifier_.get(), &QSocketNotifier::activated, this, &LinkWatcher::readMessages);
}

LinkWatcher::~LinkWatcher() {
    notifier_.reset();
    if (fd_ >= 0)
        ::close(fd_);
}

void LinkWatcher::readMessages() {
    bool relevant = false;
    alignas(nlmsghdr) char buffer[16384];
    for (;;) {
        const ssize_t n = ::recv(fd_, buffer, sizeof buffer, 0);
        if (n < 0) {
            relevant |= errno == ENOBUFS; // messages were dropped: ours may be among them
            if (errno == EINTR || errno == ENOBUFS)
                continue;
            break; // EAGAIN: drained
        }
        int len = int(n);
        for (auto* h = reinterpret_cast<const nlmsghdr*>(buffer); NLMSG_OK(h, len); h = NLMSG_NEXT(h, len))
            if ((h->nlmsg_type == RTM_NEWLINK || h->nlmsg_type == RTM_DELLINK) &&
                parseLink(h, nullptr) == ifname_)
                relevant = true;
    }
    if (relevant)
        emit changed();
}

} // namespace lifeline::monitors
