#include "RpcServer.h"

#include "CertificateErrorText.h"
#include "RpcLog.h"
#include "RpcServerConnection.h"

#include <QSslServer>
#include <QSslSocket>

namespace lifeline::rpc {

namespace {

const char* const kRejectReason = "lifelineRejectReason";

} // namespace

RpcServer::RpcServer(const NodeCredentials& credentials, QObject* parent)
    : QObject(parent), credentials_(credentials), server_(new QSslServer(this)) {
    server_->setSslConfiguration(credentials_.sslConfiguration());
    server_->setHandshakeTimeout(kHandshakeTimeoutMs);
    server_->setMaxPendingConnections(kMaxPendingHandshakes);
    // QSslServer queues a socket only once its handshake succeeded.
    connect(server_, &QSslServer::pendingConnectionAvailable, this, &RpcServer::acceptConnections);
    // Direct connections: QSslServer deletes a failed socket right after these signals.
    connect(server_, &QSslServer::sslErrors, this,
            [](QSslSocket* socket, const QList<QSslError>& errors) {
                QStringList texts;
                for (const QSslError& error : errors)
                    texts << describeCertificateError(error, QStringLiteral("the client's"));
                socket->setProperty(kRejectReason, texts.join(QStringLiteral("; ")));
            });
    connect(server_, &QSslServer::handshakeInterruptedOnError, this,
            [](QSslSocket* socket, const QSslError& error) {
                // Not continued: Qt aborts the handshake and sends the client an alert.
                socket->setProperty(
                    kRejectReason, describeCertificateError(error, QStringLiteral("the client's")));
            });
    connect(server_, &QSslServer::errorOccurred, this,
            [this](QSslSocket* socket, QAbstractSocket::SocketError error) {
                QString reason = socket->property(kRejectReason).toString();
                if (reason.isEmpty() && error == QAbstractSocket::RemoteHostClosedError)
                    // A client refusing our certificate closes before we read its alert.
                    reason = QStringLiteral("the client closed the connection during the TLS "
                                            "handshake (it did not accept this server's "
                                            "certificate?)");
                else if (reason.isEmpty() && socket->peerCertificate().isNull())
                    reason = QStringLiteral("the client presented no certificate (%1)")
                                 .arg(socket->errorString());
                else if (reason.isEmpty())
                    reason = socket->errorString();
                qCInfo(lcRpc).noquote() << QStringLiteral("refused a connection from %1: %2")
                                               .arg(socket->peerAddress().toString(), reason);
                emit peerRejected(socket->peerAddress(), reason);
            });
}

RpcServer::~RpcServer() = default;

bool RpcServer::listen(const QHostAddress& address, quint16 port, QString* error) {
    if (credentials_.isNull()) {
        if (error)
            *error = QStringLiteral("the RPC server has no node certificate");
        return false;
    }
    if (!server_->listen(address, port)) {
        if (error)
            *error = QStringLiteral("cannot listen for RPC on %1 port %2: %3")
                         .arg(address.toString())
                         .arg(port)
                         .arg(server_->errorString());
        return false;
    }
    return true;
}

void RpcServer::close() {
    server_->close();
    for (RpcServerConnection* connection :
         findChildren<RpcServerConnection*>(Qt::FindDirectChildrenOnly))
        connection->abort();
}

bool RpcServer::isListening() const {
    return server_->isListening();
}

QHostAddress RpcServer::serverAddress() const {
    return server_->serverAddress();
}

quint16 RpcServer::serverPort() const {
    return server_->serverPort();
}

void RpcServer::registerMethod(const QString& method, Handler handler) {
    if (handler)
        handlers_.insert(method, std::move(handler));
    else
        handlers_.remove(method);
}

void RpcServer::setCredentials(const NodeCredentials& credentials) {
    credentials_ = credentials;
    server_->setSslConfiguration(credentials_.sslConfiguration());
}

int RpcServer::connectionCount() const {
    return int(findChildren<RpcServerConnection*>(Qt::FindDirectChildrenOnly).size());
}

void RpcServer::acceptConnections() {
    while (server_->hasPendingConnections()) {
        auto* socket = qobject_cast<QSslSocket*>(server_->nextPendingConnection());
        if (!socket)
            continue;
        const QString peerName =
            socket->peerCertificate().subjectInfo(QSslCertificate::CommonName).value(0);
        // Defence in depth: the configuration already demands both.
        if (!socket->isEncrypted() || socket->sessionProtocol() != QSsl::TlsV1_3 ||
            peerName.isEmpty()) {
            const QString reason = QStringLiteral("not an authenticated TLS 1.3 connection");
            emit peerRejected(socket->peerAddress(), reason);
            socket->abort();
            socket->deleteLater();
            continue;
        }
        const QHostAddress address = socket->peerAddress();
        const QSsl::SslProtocol protocol = socket->sessionProtocol();
        new RpcServerConnection(socket, peerName, this, kIdleTimeoutMs);
        emit peerConnected(peerName, address, protocol);
    }
}

} // namespace lifeline::rpc
