#include "LanHeartbeat.h"

#include <QLoggingCategory>
#include <QNetworkDatagram>
#include <QUdpSocket>

namespace lifeline::hb {

namespace {

Q_LOGGING_CATEGORY(lcLan, "lifeline.hb.lan", QtInfoMsg)

QString endpoint(const QHostAddress& address, quint16 port) {
    const QString host = address.protocol() == QAbstractSocket::IPv6Protocol
                             ? QStringLiteral("[%1]").arg(address.toString())
                             : address.toString();
    return QStringLiteral("%1:%2").arg(host).arg(port);
}

QString setupError(const PathContext& context, const QString& what) {
    return QStringLiteral("heartbeat \"%1\" on server \"%2\": %3")
        .arg(context.heartbeat.name, context.localServer, what);
}

} // namespace

LanHeartbeat::LanHeartbeat(const QString& name, const QHostAddress& localAddress, quint16 port,
                           const QMap<QString, QHostAddress>& peers, QObject* parent)
    : HeartbeatPath(name, parent), localAddress_(localAddress), port_(port), peers_(peers) {}

LanHeartbeat::~LanHeartbeat() {
    close();
}

QHostAddress LanHeartbeat::deviceAddress(const QString& info) {
    const QString text = info.section(QLatin1Char('/'), 0, 0).trimmed();
    QHostAddress address;
    if (text.isEmpty() || !address.setAddress(text))
        return {};
    return address;
}

std::unique_ptr<HeartbeatPath> LanHeartbeat::create(const PathContext& context, QString* error) {
    const auto fail = [&](const QString& what) -> std::unique_ptr<HeartbeatPath> {
        if (error)
            *error = setupError(context, what);
        return nullptr;
    };
    const config::Server* local = context.config.server(context.localServer);
    if (!local)
        return fail(QStringLiteral("the server is not in the configuration"));
    const int deviceId = context.heartbeat.deviceId;
    const config::Device* device = local->device(deviceId);
    if (!device)
        return fail(
            QStringLiteral("the server has no device %1, so it is not on this path").arg(deviceId));
    if (device->type != QLatin1String("lan"))
        return fail(
            QStringLiteral("device %1 is of type \"%2\", not lan").arg(deviceId).arg(device->type));
    const QHostAddress address = deviceAddress(device->info);
    if (address.isNull())
        return fail(QStringLiteral("device %1 has no valid address (\"%2\")")
                        .arg(deviceId)
                        .arg(device->info));
    const int port = context.config.cluster.heartbeatPort;
    if (port < 1 || port > 65535)
        return fail(QStringLiteral("heartbeat port %1 is out of range").arg(port));

    QMap<QString, QHostAddress> peers;
    for (const auto& server : context.config.servers) {
        if (server.name == context.localServer)
            continue;
        const config::Device* peerDevice = server.device(deviceId);
        if (!peerDevice || peerDevice->type != QLatin1String("lan"))
            continue; // that server is not on this path
        const QHostAddress peerAddress = deviceAddress(peerDevice->info);
        if (peerAddress.isNull()) {
            qCWarning(lcLan).noquote() << setupError(
                context, QStringLiteral("server \"%1\" device %2 has no valid address (\"%3\"); "
                                        "it is left out of this path")
                             .arg(server.name)
                             .arg(deviceId)
                             .arg(peerDevice->info));
            continue;
        }
        peers.insert(server.name, peerAddress);
    }
    return std::make_unique<LanHeartbeat>(context.heartbeat.name, address, quint16(port), peers);
}

QString LanHeartbeat::localEndpoint() const {
    return endpoint(localAddress_, port_);
}

bool LanHeartbeat::open() {
    if (socket_)
        return true;
    auto* socket = new QUdpSocket(this);
    if (!socket->bind(localAddress_, port_, QAbstractSocket::DontShareAddress)) {
        setErrorString(QStringLiteral("%1: cannot bind UDP %2: %3")
                           .arg(name(), localEndpoint(), socket->errorString()));
        delete socket;
        return false;
    }
    setErrorString(QString());
    socket_ = socket;
    connect(socket_, &QUdpSocket::readyRead, this, &LanHeartbeat::readPending);
    return true;
}

void LanHeartbeat::close() {
    if (!socket_)
        return;
    socket_->disconnect(this);
    socket_->close();
    delete socket_;
    socket_ = nullptr;
}

int LanHeartbeat::send(const QByteArray& datagram) {
    if (!socket_)
        return 0;
    int sent = 0;
    for (auto it = peers_.cbegin(); it != peers_.cend(); ++it) {
        if (socket_->writeDatagram(datagram, it.value(), port_) == datagram.size())
            ++sent;
        else
            qCDebug(lcLan) << name() << "send to" << it.key() << endpoint(it.value(), port_)
                           << "failed:" << socket_->errorString();
    }
    return sent;
}

void LanHeartbeat::readPending() {
    for (int reads = 0; socket_ && reads < kMaxReadsPerCall && socket_->hasPendingDatagrams();
         ++reads) {
        const QNetworkDatagram datagram = socket_->receiveDatagram(kMaxDatagramBytes);
        if (!datagram.isValid())
            break;
        emit datagramReceived(datagram.data(),
                              endpoint(datagram.senderAddress(), quint16(datagram.senderPort())),
                              peerAt(datagram.senderAddress()));
    }
}

QString LanHeartbeat::peerAt(const QHostAddress& address) const {
    for (auto it = peers_.cbegin(); it != peers_.cend(); ++it)
        if (it.value().isEqual(address, QHostAddress::ConvertV4MappedToIPv4))
            return it.key();
    return {};
}

} // namespace lifeline::hb
