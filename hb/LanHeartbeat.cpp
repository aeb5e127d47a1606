#include "LanHeartbeat.h"

#include <QLoggingCategory>
#include <QNetworkDatagram>
#include <QUdpSocket>

namespace lifeline::hb {

namespace {

Q_LOGGING_CATEGORY(lcLan, "lifeline.hb.lan", QtInfoMsg)

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

QString LanHeartbeat::endpoint(const QHostAddress& address, quint16 port) {
    const QString host = address.protocol() == QAbstractSocket::IPv6Protocol
                             ? QStringLiteral("[%1]").arg(address.toString())
                             : address.toString();
    return QStringLiteral("%1:%2").arg(host).arg(port);
}

bool LanHeartbeat::lanAddresses(const PathContext& context, Addresses* out, QString* error) {
    const int deviceId = context.heartbeat.deviceId;
    QString why;
    const config::Device* device = context.localDevice(QStringLiteral("lan"), &why);
    if (device && (out->local = deviceAddress(device->info)).isNull())
        why = QStringLiteral("device %1 has no valid address (\"%2\")").arg(deviceId).arg(device->info);
    if (!why.isEmpty()) {
        if (error)
            *error = context.setupError(why);
        return false;
    }
    for (const auto& server : context.config.servers) {
        if (server.name == context.localServer)
            continue;
        const config::Device* peerDevice = server.device(deviceId);
        if (!peerDevice || peerDevice->type != QLatin1String("lan"))
            continue; // that server is not on this path
        const QHostAddress peerAddress = deviceAddress(peerDevice->info);
        if (peerAddress.isNull() || peerAddress.protocol() != out->local.protocol()) {
            qCWarning(lcLan).noquote() << context.setupError(
                QStringLiteral("server \"%1\" device %2 has no usable address (\"%3\"); it is left out "
                               "of this path")
                    .arg(server.name)
                    .arg(deviceId)
                    .arg(peerDevice->info));
            continue;
        }
        out->peers.insert(server.name, peerAddress);
    }
    return true;
}

std::unique_ptr<HeartbeatPath> LanHeartbeat::create(const PathContext& context, QString* error) {
    Addresses lan;
    if (!lanAddresses(context, &lan, error))
        return nullptr;
    const int port = context.config.cluster.heartbeatPort;
    if (port < 1 || port > 65535) {
        if (error)
            *error = context.setupError(QStringLiteral("heartbeat port %1 is out of range").arg(port));
        return nullptr;
    }
    return std::make_unique<LanHeartbeat>(context.heartbeat.name, lan.local, quint16(port), lan.peers);
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
