#pragma once

#include "NodeCredentials.h"
#include "RpcResponder.h"

#include <QHash>
#include <QHostAddress>
#include <QJsonObject>
#include <QObject>
#include <QSsl>
#include <QString>
#include <functional>

class QSslServer;
class QSslSocket;

namespace lifeline::rpc {

class RpcServerConnection;

// The inter-node RPC endpoint (default port 29001): TLS 1.3 only, and only clients whose
// certificate the cluster CA signed get in. Each request is handed to the handler registered for
// its method together with the caller's server name, taken from its verified certificate.
//
// Frames: uint32 big-endian length + JSON object, at most 4 MiB.
//   request  {"id":n,"method":"...","params":{...},"from":"<server name>"}
//   response {"id":n,"ok":true,"result":{...}} or {"id":n,"ok":false,"error":"..."}
// Requests on one connection may be answered in any order. Everything runs on the thread that
// owns the server; handlers must not block.
class RpcServer : public QObject {
    Q_OBJECT
public:
    using Responder = RpcResponder;
    using Handler = std::function<void(const QJsonObject& params, const QString& peerName,
                                       Responder responder)>;

    static constexpr quint16 kDefaultPort = 29001;
    static constexpr int kHandshakeTimeoutMs = 5000;
    // QSslServer stops accepting while this many sockets are still in their handshake (Qt's
    // default of 30 lets 30 idle TCP connections stall RPC for kHandshakeTimeoutMs at a time).
    static constexpr int kMaxPendingHandshakes = 256;
    static constexpr int kIdleTimeoutMs = 10 * 60 * 1000; // longer than RpcClient's: it closes

    explicit RpcServer(const NodeCredentials& credentials, QObject* parent = nullptr);
    ~RpcServer() override;

    // `port` 0 picks a free port (tests); read it back with serverPort().
    bool listen(const QHostAddress& address, quint16 port = kDefaultPort, QString* error = nullptr);
    // Stops listening and drops every connection; unanswered requests are abandoned.
    void close();
    bool isListening() const;
    QHostAddress serverAddress() const;
    quint16 serverPort() const;

    // Replaces the handler of `method`; a null handler removes it.
    void registerMethod(const QString& method, Handler handler);

    // Who may call at all: a valid certificate proves the cluster key, not membership of the
    // configuration the server runs now (a removed server keeps its key). Every request of a
    // caller this refuses is answered with an error before any handler sees it.
    using CallerCheck = std::function<bool(const QString& peerName)>;
    void setCallerCheck(CallerCheck check) { callerCheck_ = std::move(check); }

    // New certificate (renewal before expiry); used for connections accepted from now on.
    void setCredentials(const NodeCredentials& credentials);

    int connectionCount() const;

signals:
    // A client completed the handshake with a valid certificate.
    void peerConnected(const QString& peerName, const QHostAddress& address,
                       QSsl::SslProtocol protocol);
    // A client was turned away during the handshake (no certificate, another cluster's, ...).
    void peerRejected(const QHostAddress& address, const QString& reason);

private:
    friend class RpcServerConnection;
    Handler handlerFor(const QString& method) const { return handlers_.value(method); }
    bool callerAllowed(const QString& peer) const { return !callerCheck_ || callerCheck_(peer); }
    void acceptConnections();

    NodeCredentials credentials_;
    QSslServer* server_;
    QHash<QString, Handler> handlers_;
    CallerCheck callerCheck_;
};

} // namespace lifeline::rpc
