#include "RpcClient.h"

#include "RpcClientConnection.h"
#include "RpcFrameCodec.h"

namespace lifeline::rpc {

RpcClient::RpcClient(const NodeCredentials& credentials, QObject* parent)
    : QObject(parent), credentials_(credentials) {}

RpcClient::~RpcClient() = default;

void RpcClient::call(const QString& host, quint16 port, const QString& expectedPeer,
                     const QString& method, const QJsonObject& params, int timeoutMs,
                     Callback callback) {
    if (!callback)
        callback = [](bool, const QJsonObject&, const QString&) {};
    const QString peer = RpcClientConnection::describe(expectedPeer, host, port);
    if (credentials_.isNull())
        return failLater(std::move(callback), peer + QStringLiteral(": this node has no "
                                                                    "certificate"));
    if (host.isEmpty() || port == 0 || expectedPeer.isEmpty() || method.isEmpty())
        return failLater(std::move(callback),
                         peer + QStringLiteral(": the host, port, server name and method are "
                                               "all required"));
    if (timeoutMs <= 0)
        return failLater(std::move(callback),
                         peer + QStringLiteral(": the timeout must be positive"));
    // The request adds a few dozen bytes to the parameters; the exact frame is checked here so
    // that the server never has to refuse it.
    QString tooLarge;
    const QJsonObject request{{QStringLiteral("id"), 9007199254740991.0},
                              {QStringLiteral("method"), method},
                              {QStringLiteral("params"), params},
                              {QStringLiteral("from"), credentials_.serverName()}};
    if (RpcFrameCodec::encode(request, &tooLarge).isEmpty())
        return failLater(std::move(callback),
                         peer + QStringLiteral(": request not sent: ") + tooLarge);
    connectionFor(host, port, expectedPeer)->call(method, params, timeoutMs, std::move(callback));
}

void RpcClient::failLater(Callback callback, const QString& error) {
    QMetaObject::invokeMethod(
        this, [callback = std::move(callback), error] { callback(false, QJsonObject(), error); },
        Qt::QueuedConnection);
}

RpcClientConnection* RpcClient::connectionFor(const QString& host, quint16 port,
                                              const QString& expectedPeer) {
    const QString key = QStringLiteral("%1\n%2\n%3").arg(host).arg(port).arg(expectedPeer);
    QPointer<RpcClientConnection>& slot = connections_[key];
    if (slot && slot->acceptsCalls())
        return slot;
    auto* connection =
        new RpcClientConnection(host, port, expectedPeer, credentials_.serverName(),
                                credentials_.sslConfiguration(), kIdleTimeoutMs, this);
    connect(connection, &RpcClientConnection::encrypted, this,
            [this, host, port](const QString& peerName, QSsl::SslProtocol protocol) {
                emit peerConnected(peerName, host, port, protocol);
            });
    connect(connection, &QObject::destroyed, this, [this, key, connection] {
        const auto it = connections_.find(key);
        if (it != connections_.end() && (it->isNull() || it->data() == connection))
            connections_.erase(it);
    });
    slot = connection;
    // Connect from the event loop, so that no callback ever runs inside call().
    QMetaObject::invokeMethod(connection, &RpcClientConnection::start, Qt::QueuedConnection);
    return connection;
}

void RpcClient::setCredentials(const NodeCredentials& credentials) {
    credentials_ = credentials;
    for (const auto& connection : std::as_const(connections_))
        if (connection)
            connection->retire();
}

void RpcClient::closeIdleConnections() {
    for (const auto& connection : std::as_const(connections_))
        if (connection)
            connection->retire();
}

int RpcClient::connectionCount() const {
    int count = 0;
    for (const auto& connection : connections_)
        count += connection ? 1 : 0;
    return count;
}

} // namespace lifeline::rpc
