#include "RpcServerConnection.h"

#include "RpcLog.h"
#include "RpcResponder.h"
#include "RpcServer.h"

#include <QJsonValue>
#include <QPointer>

namespace lifeline::rpc {

RpcServerConnection::RpcServerConnection(QSslSocket* socket, const QString& peerName,
                                         RpcServer* server, int idleTimeoutMs)
    : QObject(server), socket_(socket), peerName_(peerName), server_(server) {
    socket_->setParent(this);
    idleTimer_.setSingleShot(true);
    idleTimer_.setInterval(idleTimeoutMs);
    connect(&idleTimer_, &QTimer::timeout, this, &RpcServerConnection::onIdle);
    connect(socket_, &QSslSocket::readyRead, this, &RpcServerConnection::readMessages);
    connect(socket_, &QSslSocket::disconnected, this, [this] {
        closing_ = true;
        deleteLater();
    });
    idleTimer_.start();
    // Requests may have arrived together with the end of the handshake.
    if (socket_->bytesAvailable() > 0)
        QMetaObject::invokeMethod(this, &RpcServerConnection::readMessages, Qt::QueuedConnection);
}

void RpcServerConnection::readMessages() {
    if (closing_)
        return;
    idleTimer_.start();
    codec_.append(socket_->readAll());
    const QPointer<RpcServerConnection> self(this);
    for (;;) {
        QJsonObject request;
        QString error;
        const auto result = codec_.next(&request, &error);
        if (result == RpcFrameCodec::Result::NeedMore)
            return;
        if (result == RpcFrameCodec::Result::Error) {
            closeFor(error);
            return;
        }
        dispatch(request);
        if (!self || closing_)
            return; // a handler closed the server or this connection
    }
}

void RpcServerConnection::dispatch(const QJsonObject& request) {
    const QJsonValue idValue = request.value(QLatin1String("id"));
    if (!idValue.isDouble()) {
        closeFor(QStringLiteral("a request without a numeric \"id\""));
        return;
    }
    const double id = idValue.toDouble();
    const QString method = request.value(QLatin1String("method")).toString();
    const QJsonValue params = request.value(QLatin1String("params"));
    const QJsonValue from = request.value(QLatin1String("from"));
    ++unanswered_;
    auto refuse = [&](const QString& error) { sendResponse(id, false, {}, error); };
    if (method.isEmpty())
        return refuse(QStringLiteral("the request names no method"));
    if (!params.isUndefined() && !params.isObject())
        return refuse(QStringLiteral("\"params\" must be a JSON object"));
    // The certificate says who calls; a request claiming otherwise is a bug or a lie.
    if (!from.isUndefined() && from.toString() != peerName_)
        return refuse(QStringLiteral("the request says it is from \"%1\" but the caller's "
                                     "certificate is for \"%2\"")
                          .arg(from.toString(), peerName_));
    const RpcServer::Handler handler = server_->handlerFor(method);
    if (!handler)
        return refuse(QStringLiteral("unknown method \"%1\"").arg(method));
    if (!server_->callerAllowed(peerName_))
        return refuse(QStringLiteral("%1 is not a server of this cluster's configuration").arg(peerName_));
    handler(params.toObject(), peerName_, RpcResponder(this, id, method, peerName_));
}

void RpcServerConnection::sendResponse(double id, bool ok, const QJsonObject& result,
                                       const QString& error) {
    if (unanswered_ > 0)
        --unanswered_;
    if (closing_ || socket_->state() != QAbstractSocket::ConnectedState)
        return;
    QJsonObject response{{QStringLiteral("id"), id}, {QStringLiteral("ok"), ok}};
    if (ok)
        response.insert(QStringLiteral("result"), result);
    else
        response.insert(QStringLiteral("error"), error);
    QString tooLarge;
    QByteArray frame = RpcFrameCodec::encode(response, &tooLarge);
    if (frame.isEmpty()) {
        qCWarning(lcRpc) << "answer to" << peerName_ << "not sent:" << tooLarge;
        frame = RpcFrameCodec::encode(
            {{QStringLiteral("id"), id},
             {QStringLiteral("ok"), false},
             {QStringLiteral("error"), QStringLiteral("the answer is too large: ") + tooLarge}},
            nullptr);
    }
    socket_->write(frame);
    idleTimer_.start();
}

void RpcServerConnection::abort() {
    closing_ = true;
    socket_->abort();
    deleteLater();
}

void RpcServerConnection::closeFor(const QString& reason) {
    qCWarning(lcRpc).noquote() << QStringLiteral("closing the connection from %1 (%2): %3")
                                      .arg(peerName_, socket_->peerAddress().toString(), reason);
    abort();
}

void RpcServerConnection::onIdle() {
    if (unanswered_ > 0) {
        idleTimer_.start(); // a handler is still working
        return;
    }
    closing_ = true;
    socket_->disconnectFromHost();
    deleteLater();
}

} // namespace lifeline::rpc
