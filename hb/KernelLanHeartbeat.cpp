#include "KernelLanHeartbeat.h"

#include "LanHeartbeat.h"

#include <QtGlobal>
#include <QLoggingCategory>
#include <QSocketNotifier>
#include <QTimer>

#include <algorithm>
#include <arpa/inet.h>
#include <cerrno>
#include <climits>
#include <cstring>
#include <linux/sockios.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

namespace lifeline::hb {

namespace {

Q_LOGGING_CATEGORY(lcKernelLan, "lifeline.hb.kernellan", QtInfoMsg)

// 0 when the address is neither IPv4 nor IPv6.
socklen_t toSockaddr(const QHostAddress& address, quint16 port, sockaddr_storage* out) {
    std::memset(out, 0, sizeof *out);
    if (address.protocol() == QAbstractSocket::IPv4Protocol) {
        auto* in = reinterpret_cast<sockaddr_in*>(out);
        in->sin_family = AF_INET;
        in->sin_port = htons(port);
        in->sin_addr.s_addr = htonl(address.toIPv4Address());
        return sizeof(sockaddr_in);
    }
    if (address.protocol() == QAbstractSocket::IPv6Protocol) {
        auto* in6 = reinterpret_cast<sockaddr_in6*>(out);
        in6->sin6_family = AF_INET6;
        in6->sin6_port = htons(port);
        const Q_IPV6ADDR bytes = address.toIPv6Address();
        std::memcpy(&in6->sin6_addr, bytes.c, sizeof bytes.c);
        return sizeof(sockaddr_in6);
    }
    return 0;
}

QHostAddress fromSockaddr(const sockaddr_storage& in, quint16* port) {
    *port = 0;
    if (in.ss_family == AF_INET)
        *port = ntohs(reinterpret_cast<const sockaddr_in&>(in).sin_port);
    else if (in.ss_family == AF_INET6)
        *port = ntohs(reinterpret_cast<const sockaddr_in6&>(in).sin6_port);
    return QHostAddress(reinterpret_cast<const sockaddr*>(&in));
}

std::optional<tcp_info> tcpInfo(int fd) {
    tcp_info info{};
    socklen_t length = sizeof info;
    if (::getsockopt(fd, IPPROTO_TCP, TCP_INFO, &info, &length) != 0)
        return std::nullopt;
    return info;
}

QByteArray frameOf(const QByteArray& payload) {
    QByteArray frame;
    frame.reserve(KernelLanHeartbeat::kHeaderBytes + payload.size());
    frame.append(char((payload.size() >> 8) & 0xff));
    frame.append(char(payload.size() & 0xff));
    frame.append(payload);
    return frame;
}

} // namespace

struct KernelLanHeartbeat::Connection {
    int fd = -1;
    quint64 serial = 0;
    bool outgoing = false;
    bool connecting = false; // a non-blocking connect() in progress
    Clock::time_point since;
    QString remote;        // "addr:port"
    QString source;        // remote + " #serial": unique for the life of the path
    QByteArray input;      // the start of a frame not yet complete
    QByteArray output;     // the unwritten tail of the last frame
    qint64 unanswered = 0; // bytes written since the peer's last frame
    int quietLevel = 0;    // 1: only probes are sent now, 2: nothing (logged once each)
    QSocketNotifier* readNotifier = nullptr;
    QSocketNotifier* writeNotifier = nullptr;

    // Reads what waits (so that close() sends FIN after the queued data, not RST) and closes.
    void shut() {
        for (auto* notifier : {readNotifier, writeNotifier}) {
            if (!notifier)
                continue;
            notifier->setEnabled(false);
            notifier->deleteLater(); // may be inside its own activated()
        }
        readNotifier = writeNotifier = nullptr;
        if (fd < 0)
            return;
        char scratch[4096];
        for (int reads = 0; reads < 64; ++reads)
            if (::recv(fd, scratch, sizeof scratch, MSG_DONTWAIT) <= 0)
                break;
        ::close(fd);
        fd = -1;
    }
};

KernelLanHeartbeat::KernelLanHeartbeat(const QString& name, const QHostAddress& localAddress,
                                       quint16 port, const QMap<QString, Peer>& peers,
                                       const Timing& timing, const Limits& limits, QObject* parent)
    : HeartbeatPath(name, parent), localAddress_(localAddress), port_(port), timing_(timing),
      limits_(limits), maintenanceTimer_(new QTimer(this)) {
    for (auto it = peers.cbegin(); it != peers.cend(); ++it)
        peers_[it.key()].spec = it.value();
    // Redial and give up stuck connects about once an interval (at most 10 times a second).
    maintenanceTimer_->setInterval(std::clamp(timing_.interval, std::chrono::milliseconds(100),
                                              std::chrono::milliseconds(1000)));
    connect(maintenanceTimer_, &QTimer::timeout, this, &KernelLanHeartbeat::maintain);
}

KernelLanHeartbeat::KernelLanHeartbeat(const QString& name, const QHostAddress& localAddress,
                                       quint16 port, const QMap<QString, Peer>& peers,
                                       const Timing& timing, QObject* parent)
    : KernelLanHeartbeat(name, localAddress, port, peers, timing, Limits(), parent) {}

KernelLanHeartbeat::~KernelLanHeartbeat() {
    close();
}

std::unique_ptr<HeartbeatPath> KernelLanHeartbeat::create(const PathContext& context,
                                                          QString* error) {
    LanHeartbeat::Addresses lan;
    if (!LanHeartbeat::lanAddresses(context, &lan, error))
        return nullptr;
    const int port = context.config.cluster.kernelHeartbeatPort;
    if (port < 1 || port > 65535) {
        if (error)
            *error = context.setupError(QStringLiteral("kernel heartbeat port %1 is out of range").arg(port));
        return nullptr;
    }
    // The server that comes first in the priority order dials: both ends agree without talking.
    QStringList order;
    for (const auto& server : context.config.serversByPriority())
        order << server.name;
    const auto localRank = order.indexOf(context.localServer);
    QMap<QString, Peer> peers;
    for (auto it = lan.peers.begin(); it != lan.peers.end(); ++it)
        peers.insert(it.key(), Peer{it.value(), localRank < order.indexOf(it.key())});
    Timing timing;
    timing.interval =
        std::chrono::milliseconds(std::max(1, context.config.cluster.heartbeatIntervalMs));
    timing.timeout =
        std::chrono::milliseconds(std::max(1, context.config.cluster.heartbeatTimeoutMs));
    return std::make_unique<KernelLanHeartbeat>(context.heartbeat.name, lan.local, quint16(port),
                                                peers, timing);
}

QStringList KernelLanHeartbeat::peers() const {
    QStringList names;
    for (const auto& [name, state] : peers_)
        names << name;
    return names;
}

bool KernelLanHeartbeat::dials(const QString& peer) const {
    const auto it = peers_.find(peer);
    return it != peers_.end() && it->second.spec.dial;
}

QString KernelLanHeartbeat::localEndpoint() const {
    return LanHeartbeat::endpoint(localAddress_, port_);
}

int KernelLanHeartbeat::keepaliveSeconds(const Timing& timing) {
    // A probe well inside the timeout; the kernel counts in whole seconds.
    const auto period = std::min(timing.interval, timing.timeout / 3);
    return int(std::clamp<qint64>(period.count() / 1000, 1, 32767));
}

int KernelLanHeartbeat::keepaliveCount(const Timing& timing) {
    // TCP_USER_TIMEOUT decides when an unanswered connection is given up; this only has to
    // be large enough not to cut it shorter.
    return int(
        std::clamp<qint64>(timing.timeout.count() / (keepaliveSeconds(timing) * 1000) + 1, 1, 127));
}

bool KernelLanHeartbeat::open() {
    if (listenFd_ >= 0)
        return true;
    sockaddr_storage address;
    const socklen_t length = toSockaddr(localAddress_, port_, &address);
    const auto fail = [&](const QString& why, int fd) {
        setErrorString(
            QStringLiteral("%1: cannot listen on TCP %2: %3").arg(name(), localEndpoint(), why));
        if (fd >= 0)
            ::close(fd);
        return false;
    };
    if (length == 0)
        return fail(QStringLiteral("not an IP address"), -1);
    const int fd = ::socket(address.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return fail(qt_error_string(errno), -1);
    // Lets a restarted lifelined listen while old connections linger in TIME_WAIT; a second
    // listener on the same address and port is still refused (no SO_REUSEPORT).
    const int one = 1;
    ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    if (::bind(fd, reinterpret_cast<const sockaddr*>(&address), length) != 0 ||
        ::listen(fd, 16) != 0)
        return fail(qt_error_string(errno), fd);
    setErrorString(QString());
    listenFd_ = fd;
    listenNotifier_ = new QSocketNotifier(fd, QSocketNotifier::Read, this);
    connect(listenNotifier_, &QSocketNotifier::activated, this, &KernelLanHeartbeat::acceptPending);
    maintenanceTimer_->start();
    maintain();
    return true;
}

void KernelLanHeartbeat::close() {
    if (listenFd_ < 0)
        return;
    maintenanceTimer_->stop();
    for (auto& [peer, state] : peers_)
        if (state.connection) {
            state.connection->shut();
            state.connection.reset();
        }
    listenNotifier_->setEnabled(false);
    listenNotifier_->deleteLater();
    listenNotifier_ = nullptr;
    ::close(listenFd_);
    listenFd_ = -1;
}

void KernelLanHeartbeat::setOptions(int fd) const {
    const int one = 1;
    const int idle = keepaliveSeconds(timing_);
    const int count = keepaliveCount(timing_);
    // The peer's kernel must have ACKed within the timeout, or the kernel gives up the
    // connection (also while connecting, and while data waits to be ACKed).
    const unsigned int userTimeout = unsigned(std::min<qint64>(timing_.timeout.count(), INT_MAX));
    struct Option {
        int level, name;
        const void* value;
        socklen_t size;
        const char* what;
    };
    const Option options[] = {
        {IPPROTO_TCP, TCP_NODELAY, &one, sizeof one, "TCP_NODELAY"},
        {SOL_SOCKET, SO_KEEPALIVE, &one, sizeof one, "SO_KEEPALIVE"},
        {IPPROTO_TCP, TCP_KEEPIDLE, &idle, sizeof idle, "TCP_KEEPIDLE"},
        {IPPROTO_TCP, TCP_KEEPINTVL, &idle, sizeof idle, "TCP_KEEPINTVL"},
        {IPPROTO_TCP, TCP_KEEPCNT, &count, sizeof count, "TCP_KEEPCNT"},
        {IPPROTO_TCP, TCP_USER_TIMEOUT, &userTimeout, sizeof userTimeout, "TCP_USER_TIMEOUT"},
    };
    for (const auto& option : options)
        if (::setsockopt(fd, option.level, option.name, option.value, option.size) != 0)
            qCWarning(lcKernelLan).noquote() << QStringLiteral("%1: cannot set %2: %3")
                                                    .arg(name(), option.what, qt_error_string(errno));
}

QString KernelLanHeartbeat::peerAt(const QHostAddress& address) const {
    for (const auto& [peer, state] : peers_)
        if (state.spec.address.isEqual(address, QHostAddress::ConvertV4MappedToIPv4))
            return peer;
    return {};
}

KernelLanHeartbeat::Connection* KernelLanHeartbeat::connectionOf(const QString& peer,
                                                                 quint64 serial) const {
    const auto it = peers_.find(peer);
    if (it == peers_.end() || !it->second.connection || it->second.connection->serial != serial)
        return nullptr;
    return it->second.connection.get();
}

void KernelLanHeartbeat::maintain() {
    if (listenFd_ < 0)
        return;
    const auto now = Clock::now();
    for (auto& [peer, state] : peers_) {
        if (state.connection && state.connection->connecting &&
            now - state.connection->since >= timing_.timeout) {
            ++counters_.connectFailures;
            qCDebug(lcKernelLan).noquote() << name() << "connect to" << peer << "timed out";
            state.connection->shut();
            state.connection.reset();
        }
        if (!state.connection && state.spec.dial)
            dial(peer, state);
    }
}

void KernelLanHeartbeat::dial(const QString& peer, PeerState& state) {
    ++counters_.connectAttempts;
    const QString remote = LanHeartbeat::endpoint(state.spec.address, port_);
    const auto failed = [&](const QString& why, int fd) {
        if (fd >= 0)
            ::close(fd);
        ++counters_.connectFailures;
        if (why != state.lastDialError)
            qCInfo(lcKernelLan).noquote()
                << QStringLiteral("%1: cannot connect to server \"%2\" (%3): %4 (retrying)")
                       .arg(name(), peer, remote, why);
        state.lastDialError = why;
    };
    sockaddr_storage local, target;
    const socklen_t localLength = toSockaddr(localAddress_, 0, &local);
    const socklen_t targetLength = toSockaddr(state.spec.address, port_, &target);
    if (localLength == 0 || targetLength == 0 || local.ss_family != target.ss_family)
        return failed(QStringLiteral("the addresses are not of one IP family"), -1);
    const int fd = ::socket(local.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return failed(qt_error_string(errno), -1);
    setOptions(fd);
    // From our address of the device: the peer attributes the connection by its source.
    if (::bind(fd, reinterpret_cast<const sockaddr*>(&local), localLength) != 0)
        return failed(
            QStringLiteral("cannot bind %1: %2").arg(LanHeartbeat::endpoint(localAddress_, 0), qt_error_string(errno)),
            fd);
    if (::connect(fd, reinterpret_cast<const sockaddr*>(&target), targetLength) == 0)
        adopt(peer, fd, true, false, remote);
    else if (errno == EINPROGRESS)
        adopt(peer, fd, true, true, remote);
    else
        failed(qt_error_string(errno), fd);
}

void KernelLanHeartbeat::acceptPending() {
    if (listenFd_ < 0)
        return;
    for (int accepts = 0; accepts < kMaxAcceptsPerCall; ++accepts) {
        sockaddr_storage address;
        socklen_t length = sizeof address;
        const int fd = ::accept4(listenFd_, reinterpret_cast<sockaddr*>(&address), &length,
                                 SOCK_NONBLOCK | SOCK_CLOEXEC);
        if (fd < 0) {
            if (errno == EINTR || errno == ECONNABORTED)
                continue;
            if (errno != EAGAIN && errno != EWOULDBLOCK)
                qCDebug(lcKernelLan).noquote() << name() << "accept:" << qt_error_string(errno);
            return;
        }
        quint16 port = 0;
        const QHostAddress from = fromSockaddr(address, &port);
        const QString remote = LanHeartbeat::endpoint(from, port);
        const QString peer = peerAt(from);
        if (peer.isEmpty()) {
            // Not a security check (addresses can be spoofed on the LAN): the MAC of every
            // packet is, and a connection proves life only after it carried one.
            ++counters_.refused;
            const QString host = from.toString();
            if (!refusedLogged_.contains(host)) {
                refusedLogged_ << host;
                qCWarning(lcKernelLan).noquote()
                    << QStringLiteral("%1: refused a connection from %2: no server of this path "
                                      "has that address (further ones are only counted)")
                           .arg(name(), remote);
            }
            ::close(fd);
            continue;
        }
        ++counters_.accepted;
        setOptions(fd);
        adopt(peer, fd, false, false, remote);
    }
}

void KernelLanHeartbeat::adopt(const QString& peer, int fd, bool outgoing, bool connecting,
                               const QString& remote) {
    PeerState& state = peers_.at(peer);
    if (state.connection)
        endConnection(peer, QStringLiteral("replaced by a new connection"));
    auto connection = std::make_unique<Connection>();
    connection->fd = fd;
    connection->serial = nextSerial_++;
    connection->outgoing = outgoing;
    connection->connecting = connecting;
    connection->since = Clock::now();
    connection->remote = remote;
    connection->source = QStringLiteral("%1 #%2").arg(remote).arg(connection->serial);
    const quint64 serial = connection->serial;
    connection->readNotifier = new QSocketNotifier(fd, QSocketNotifier::Read, this);
    connection->readNotifier->setEnabled(!connecting);
    connect(connection->readNotifier, &QSocketNotifier::activated, this,
            [this, peer, serial] { onReadable(peer, serial); });
    connection->writeNotifier = new QSocketNotifier(fd, QSocketNotifier::Write, this);
    connection->writeNotifier->setEnabled(connecting);
    connect(connection->writeNotifier, &QSocketNotifier::activated, this,
            [this, peer, serial] { onWritable(peer, serial); });
    state.connection = std::move(connection);
    if (!connecting) {
        state.lastDialError.clear();
        qCInfo(lcKernelLan).noquote()
            << QStringLiteral("%1: %2 server \"%3\" (%4)")
                   .arg(name(),
                        outgoing ? QStringLiteral("connected to")
                                 : QStringLiteral("accepted a connection from"),
                        peer, state.connection->source);
    }
}

void KernelLanHeartbeat::onWritable(const QString& peer, quint64 serial) {
    Connection* connection = connectionOf(peer, serial);
    if (!connection)
        return;
    if (connection->connecting)
        finishConnect(peer);
    else
        flush(peer);
}

void KernelLanHeartbeat::onReadable(const QString& peer, quint64 serial) {
    if (connectionOf(peer, serial))
        readConnection(peer);
}

void KernelLanHeartbeat::finishConnect(const QString& peer) {
    PeerState& state = peers_.at(peer);
    Connection& connection = *state.connection;
    int error = 0;
    socklen_t length = sizeof error;
    if (::getsockopt(connection.fd, SOL_SOCKET, SO_ERROR, &error, &length) != 0)
        error = errno;
    if (error != 0) {
        ++counters_.connectFailures;
        const QString why = qt_error_string(error);
        if (why != state.lastDialError)
            qCInfo(lcKernelLan).noquote()
                << QStringLiteral("%1: cannot connect to server \"%2\" (%3): %4 (retrying)")
                       .arg(name(), peer, connection.remote, why);
        state.lastDialError = why;
        connection.shut();
        state.connection.reset();
        return;
    }
    connection.connecting = false;
    connection.since = Clock::now();
    connection.writeNotifier->setEnabled(false);
    connection.readNotifier->setEnabled(true);
    state.lastDialError.clear();
    qCInfo(lcKernelLan).noquote() << QStringLiteral("%1: connected to server \"%2\" (%3)")
                                         .arg(name(), peer, connection.source);
}

void KernelLanHeartbeat::flush(const QString& peer) {
    Connection& connection = *peers_.at(peer).connection;
    while (!connection.output.isEmpty()) {
        const ssize_t n = ::send(connection.fd, connection.output.constData(),
                                 size_t(connection.output.size()), MSG_NOSIGNAL | MSG_DONTWAIT);
        if (n > 0) {
            connection.output.remove(0, qsizetype(n));
            continue;
        }
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
            return; // the notifier calls again
        endConnection(peer, n < 0 ? qt_error_string(errno) : QStringLiteral("nothing written"));
        return;
    }
    connection.writeNotifier->setEnabled(false);
}

bool KernelLanHeartbeat::write(Connection& connection, const QByteArray& frame) {
    ssize_t n;
    do
        n = ::send(connection.fd, frame.constData(), size_t(frame.size()),
                   MSG_NOSIGNAL | MSG_DONTWAIT);
    while (n < 0 && errno == EINTR);
    if (n < 0)
        return false; // EAGAIN: dropped; an error: the next read sees it and ends the connection
    connection.unanswered += frame.size();
    if (n < frame.size()) {
        // Rare (the send buffer is far larger than what we allow to queue): finish it later.
        connection.output = frame.mid(qsizetype(n));
        connection.writeNotifier->setEnabled(true);
    }
    return true;
}

int KernelLanHeartbeat::send(const QByteArray& datagram) {
    if (listenFd_ < 0 || datagram.isEmpty() || datagram.size() > kMaxDatagramBytes)
        return 0;
    const QByteArray frame = frameOf(datagram);
    static const QByteArray probe = frameOf(QByteArray());
    int copies = 0;
    for (auto& [peer, state] : peers_) {
        Connection* connection = state.connection.get();
        if (!connection || connection->connecting)
            continue;
        int queued = 0; // sent but not ACKed, plus not sent: a peer that does not read
        if (!connection->output.isEmpty() ||
            (::ioctl(connection->fd, SIOCOUTQ, &queued) == 0 && queued > limits_.maxQueuedBytes)) {
            ++counters_.framesDropped;
            continue;
        }
        // A peer whose process does not answer (stopped) does not read either: bound what its
        // kernel must buffer, so that its receive window never closes (see Limits).
        if (connection->unanswered + frame.size() <= limits_.heartbeatBudget) {
            if (write(*connection, frame)) {
                ++copies;
                ++counters_.framesSent;
            } else {
                ++counters_.framesDropped;
            }
            continue;
        }
        ++counters_.framesDropped;
        const int level = connection->unanswered + probe.size() <= limits_.probeBudget ? 1 : 2;
        if (level > connection->quietLevel) {
            connection->quietLevel = level;
            qCInfo(lcKernelLan).noquote()
                << QStringLiteral("%1: server \"%2\" has sent nothing on %3 while %4 bytes were "
                                  "written to it (its lifelined is stalled?): %5")
                       .arg(name(), peer, connection->source)
                       .arg(connection->unanswered)
                       .arg(level == 1 ? QStringLiteral("sending 2-byte probes only")
                                       : QStringLiteral("sending nothing more; its kernel "
                                                        "still answers keepalive probes"));
        }
        if (level == 1 && write(*connection, probe))
            ++counters_.probesSent;
    }
    return copies;
}

void KernelLanHeartbeat::readConnection(const QString& peer) {
    Connection* connection = peers_.at(peer).connection.get();
    if (!connection || connection->connecting)
        return;
    QString ended;
    char buffer[16384];
    for (int total = 0; total < kMaxReadBytesPerCall;) {
        const ssize_t n = ::recv(connection->fd, buffer, sizeof buffer, MSG_DONTWAIT);
        if (n > 0) {
            connection->input.append(buffer, qsizetype(n));
            total += int(n);
            continue;
        }
        if (n == 0) {
            ended = QStringLiteral("closed by the peer");
            break;
        }
        if (errno == EINTR)
            continue;
        if (errno != EAGAIN && errno != EWOULDBLOCK)
            ended = qt_error_string(errno); // ECONNRESET, ETIMEDOUT (TCP_USER_TIMEOUT), ...
        break;
    }
    QList<QByteArray> frames;
    QByteArray& input = connection->input;
    while (input.size() >= kHeaderBytes) {
        const int length = (uchar(input[0]) << 8) | uchar(input[1]);
        if (length > kMaxDatagramBytes) {
            ++counters_.protocolErrors;
            ended = QStringLiteral("protocol error: a frame of %1 bytes (at most %2)")
                        .arg(length)
                        .arg(kMaxDatagramBytes);
            input.clear();
            break;
        }
        if (input.size() < kHeaderBytes + length)
            break;
        ++counters_.framesReceived;
        connection->unanswered = 0; // its process runs, so it reads as well
        connection->quietLevel = 0;
        if (length > 0) // 0: a probe
            frames << input.mid(kHeaderBytes, length);
        input.remove(0, kHeaderBytes + length);
    }
    const QString source = connection->source;
    if (!ended.isEmpty())
        endConnection(peer, ended);
    for (const auto& frame : frames)
        emit datagramReceived(frame, source, peer);
}

void KernelLanHeartbeat::endConnection(const QString& peer, const QString& why) {
    PeerState& state = peers_.at(peer);
    if (!state.connection)
        return;
    std::unique_ptr<Connection> connection = std::move(state.connection);
    ++counters_.ended;
    qCInfo(lcKernelLan).noquote() << QStringLiteral("%1: connection with server \"%2\" (%3) "
                                                    "ended: %4")
                                         .arg(name(), peer, connection->source, why);
    connection->shut();
}

void KernelLanHeartbeat::readPending() {
    if (listenFd_ < 0)
        return;
    acceptPending();
    QStringList names = peers();
    for (const auto& peer : names)
        readConnection(peer);
    // After the datagrams, so that the owner knows which connection carried the last packet.
    struct Alive {
        QString peer, source;
        qint64 ackAgeMs;
    };
    QList<Alive> alive;
    for (const auto& [peer, state] : peers_) {
        const Connection* connection = state.connection.get();
        if (!connection || connection->connecting)
            continue;
        const auto info = tcpInfo(connection->fd);
        if (info && info->tcpi_state == TCP_ESTABLISHED)
            alive << Alive{peer, connection->source, qint64(info->tcpi_last_ack_recv)};
    }
    for (const auto& entry : alive)
        emit kernelAlive(entry.peer, entry.source, entry.ackAgeMs);
}

KernelLanHeartbeat::Link KernelLanHeartbeat::link(const QString& peer) const {
    Link link;
    const auto it = peers_.find(peer);
    if (it == peers_.end() || !it->second.connection)
        return link;
    const Connection& connection = *it->second.connection;
    link.connected = !connection.connecting;
    link.outgoing = connection.outgoing;
    link.source = connection.source;
    link.unansweredBytes = connection.unanswered;
    if (const auto info = tcpInfo(connection.fd)) {
        link.tcpState = info->tcpi_state;
        link.lastAckAgeMs = qint64(info->tcpi_last_ack_recv);
    }
    return link;
}

} // namespace lifeline::hb
