#pragma once

#include "NodeCredentials.h"

#include <QHash>
#include <QJsonObject>
#include <QObject>
#include <QPointer>
#include <QSsl>
#include <QString>
#include <functional>

namespace lifeline::rpc {

class RpcClientConnection;

// Calls methods on other nodes' RpcServer: TLS 1.3, presenting this node's certificate, trusting
// only the cluster CA, and refusing a server whose certificate is not for the server name it
// meant to call. Asynchronous on the caller's event loop; nothing blocks.
//
// Connections are reused: calls to the same (host, port, server name) share one connection and
// may be in flight together. A connection is dropped after kIdleTimeoutMs without calls, and
// retired (later calls open a new one) when one of its calls timed out or the peer closed it.
class RpcClient : public QObject {
    Q_OBJECT
public:
    // Called exactly once. On failure `error` names the peer and the cause, e.g.
    // "server2 (198.18.0.12:29001): connection refused" / "...: timed out after 500 ms" /
    // "...: TLS handshake failed: ..." / "...: unknown method \"x\"" (the server's answer).
    using Callback = std::function<void(bool ok, const QJsonObject& result, const QString& error)>;

    static constexpr int kIdleTimeoutMs = 60 * 1000;

    explicit RpcClient(const NodeCredentials& credentials, QObject* parent = nullptr);
    // Calls still in flight are abandoned: their callbacks are not called.
    ~RpcClient() override;

    // `timeoutMs` covers everything: connecting, the handshake and the answer. The callback is
    // never called from inside call().
    void call(const QString& host, quint16 port, const QString& expectedPeer, const QString& method,
              const QJsonObject& params, int timeoutMs, Callback callback);

    // New certificate (renewal before expiry): open connections finish their calls and close;
    // later calls connect with the new one.
    void setCredentials(const NodeCredentials& credentials);
    // Closes idle connections now; connections with calls in flight close when they are done.
    void closeIdleConnections();
    int connectionCount() const;

signals:
    // A connection to `peerName` passed every check.
    void peerConnected(const QString& peerName, const QString& host, quint16 port,
                       QSsl::SslProtocol protocol);

private:
    RpcClientConnection* connectionFor(const QString& host, quint16 port,
                                       const QString& expectedPeer);
    void failLater(Callback callback, const QString& error);

    NodeCredentials credentials_;
    QHash<QString, QPointer<RpcClientConnection>> connections_;
};

} // namespace lifeline::rpc
