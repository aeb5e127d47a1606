#include "RpcClientConnection.h"

#include "CertificateErrorText.h"
#include "RpcLog.h"

#include <QJsonValue>
#include <QPointer>
#include <QSslSocket>
#include <limits>
#include <vector>

namespace lifeline::rpc {

RpcClientConnection::RpcClientConnection(const QString& host, quint16 port,
                                         const QString& expectedPeer, const QString& ownName,
                                         const QSslConfiguration& config, int idleTimeoutMs,
                                         QObject* parent)
    : QObject(parent), socket_(new QSslSocket(this)), host_(host), port_(port),
      expectedPeer_(expectedPeer), ownName_(ownName) {
    socket_->setSslConfiguration(config);
    // Qt checks the peer's certificate names against this instead of the address we dial.
    socket_->setPeerVerifyName(expectedPeer);
    deadlineTimer_.setSingleShot(true);
    deadlineTimer_.setTimerType(Qt::PreciseTimer);
    idleTimer_.setSingleShot(true);
    idleTimer_.setInterval(idleTimeoutMs);
    connect(&deadlineTimer_, &QTimer::timeout, this, &RpcClientConnection::expireCalls);
    connect(&idleTimer_, &QTimer::timeout, this, &RpcClientConnection::retire);
    connect(socket_, &QSslSocket::encrypted, this, &RpcClientConnection::onEncrypted);
    connect(socket_, &QSslSocket::sslErrors, this, &RpcClientConnection::onSslErrors);
    connect(socket_, &QSslSocket::alertReceived, this, &RpcClientConnection::onAlertReceived);
    connect(socket_, &QSslSocket::handshakeInterruptedOnError, this,
            [this](const QSslError& error) {
                // Not continued: Qt aborts the handshake and sends the server an alert.
                handshakeProblem_ = describeCertificateError(error, QStringLiteral("the server's"));
            });
    connect(socket_, &QSslSocket::errorOccurred, this, &RpcClientConnection::onError);
    connect(socket_, &QSslSocket::disconnected, this, &RpcClientConnection::onDisconnected);
    connect(socket_, &QSslSocket::readyRead, this, &RpcClientConnection::readMessages);
}

RpcClientConnection::~RpcClientConnection() {
    // Callbacks of calls still open are dropped with the client; a connection never outlives
    // its RpcClient.
    finished_ = true;
}

QString RpcClientConnection::describe(const QString& expectedPeer, const QString& host,
                                      quint16 port) {
    const QString address = host.contains(QLatin1Char(':'))
                                ? QStringLiteral("[%1]:%2").arg(host).arg(port)
                                : QStringLiteral("%1:%2").arg(host).arg(port);
    return QStringLiteral("%1 (%2)").arg(expectedPeer, address);
}

QString RpcClientConnection::prefixed(const QString& message) const {
    return describe(expectedPeer_, host_, port_) + QStringLiteral(": ") + message;
}

void RpcClientConnection::start() {
    if (finished_ || socket_->state() != QAbstractSocket::UnconnectedState)
        return;
    socket_->connectToHostEncrypted(host_, port_, expectedPeer_);
}

void RpcClientConnection::call(const QString& method, const QJsonObject& params, int timeoutMs,
                               Callback callback) {
    idleTimer_.stop();
    const quint64 id = nextId_++;
    const QJsonObject request{{QStringLiteral("id"), double(id)},
                              {QStringLiteral("method"), method},
                              {QStringLiteral("params"), params},
                              {QStringLiteral("from"), ownName_}};
    QString error;
    const QByteArray frame = RpcFrameCodec::encode(request, &error); // RpcClient checked the size
    Call& call = calls_[id];
    call.callback = std::move(callback);
    call.deadline = QDeadlineTimer(timeoutMs, Qt::PreciseTimer);
    call.timeoutMs = timeoutMs;
    if (encrypted_)
        socket_->write(frame);
    else
        call.unsent = frame; // not before we know who is at the other end
    armDeadline();
}

void RpcClientConnection::onSslErrors(const QList<QSslError>& errors) {
    QStringList texts;
    for (const QSslError& error : errors) {
        if (error.error() == QSslError::HostNameMismatch) {
            const QString cn =
                error.certificate().subjectInfo(QSslCertificate::CommonName).value(0);
            texts << QStringLiteral("the server's certificate is for \"%1\", not \"%2\"")
                         .arg(cn, expectedPeer_);
        } else {
            texts << describeCertificateError(error, QStringLiteral("the server's"));
        }
    }
    // Not ignored: Qt aborts the handshake and reports SslHandshakeFailedError next.
    handshakeProblem_ = texts.join(QStringLiteral("; "));
}

void RpcClientConnection::onAlertReceived(QSsl::AlertLevel level, QSsl::AlertType type,
                                          const QString& text) {
    if (level != QSsl::AlertLevel::Fatal || !handshakeProblem_.isEmpty())
        return;
    switch (type) {
    case QSsl::AlertType::BadCertificate:
    case QSsl::AlertType::UnsupportedCertificate:
    case QSsl::AlertType::CertificateRevoked:
    case QSsl::AlertType::CertificateExpired:
    case QSsl::AlertType::CertificateUnknown:
    case QSsl::AlertType::UnknownCa:
    case QSsl::AlertType::CertificateRequired:
        handshakeProblem_ =
            QStringLiteral("the server refused this node's certificate (%1)").arg(text);
        break;
    default:
        handshakeProblem_ = QStringLiteral("the server ended the session (%1)").arg(text);
        break;
    }
}

// Why the connection ended, when the socket reports only that it closed.
QString RpcClientConnection::closedMessage() const {
    // In TLS 1.3 the server judges our certificate after our side of the handshake is done, so
    // a refusal arrives as an alert after encrypted().
    if (!handshakeProblem_.isEmpty() && !answered_)
        return QStringLiteral("TLS handshake failed: ") + handshakeProblem_;
    if (!encrypted_)
        return QStringLiteral("TLS handshake failed: the server closed the connection");
    return QStringLiteral("the server closed the connection before answering");
}

void RpcClientConnection::onEncrypted() {
    // Qt matched the name without regard to case and allows wildcards; server names are exact.
    const QString cn = socket_->peerCertificate().subjectInfo(QSslCertificate::CommonName).value(0);
    if (cn != expectedPeer_) {
        failAll(prefixed(QStringLiteral("TLS handshake failed: the server's certificate is for "
                                        "\"%1\", not \"%2\"")
                             .arg(cn, expectedPeer_)));
        return;
    }
    if (socket_->sessionProtocol() != QSsl::TlsV1_3) {
        failAll(prefixed(QStringLiteral("TLS handshake failed: the session is not TLS 1.3")));
        return;
    }
    encrypted_ = true;
    emit encrypted(cn, socket_->sessionProtocol());
    for (auto& [id, call] : calls_) {
        if (!call.unsent.isEmpty()) {
            socket_->write(call.unsent);
            call.unsent.clear();
        }
    }
}

void RpcClientConnection::onError() {
    if (finished_)
        return;
    QString message;
    switch (socket_->error()) {
    case QAbstractSocket::ConnectionRefusedError:
        message = QStringLiteral("connection refused");
        break;
    case QAbstractSocket::HostNotFoundError:
        message = QStringLiteral("host not found");
        break;
    case QAbstractSocket::RemoteHostClosedError:
        message = closedMessage();
        break;
    case QAbstractSocket::SslHandshakeFailedError:
    case QAbstractSocket::SslInternalError:
    case QAbstractSocket::SslInvalidUserDataError:
        if (!handshakeProblem_.isEmpty())
            message = QStringLiteral("TLS handshake failed: ") + handshakeProblem_;
        else if (!answered_)
            message = QStringLiteral("TLS handshake failed: ") + socket_->errorString();
        else
            message = QStringLiteral("TLS error: ") + socket_->errorString();
        break;
    default:
        message = socket_->errorString();
        break;
    }
    failAll(prefixed(message));
}

void RpcClientConnection::onDisconnected() {
    if (finished_)
        return;
    failAll(prefixed(closedMessage()));
}

void RpcClientConnection::readMessages() {
    if (finished_)
        return;
    codec_.append(socket_->readAll());
    const QPointer<RpcClientConnection> self(this);
    for (;;) {
        QJsonObject response;
        QString error;
        const auto result = codec_.next(&response, &error);
        if (result == RpcFrameCodec::Result::NeedMore)
            return;
        if (result == RpcFrameCodec::Result::Error) {
            failAll(prefixed(QStringLiteral("protocol error: ") + error));
            return;
        }
        const QJsonValue id = response.value(QLatin1String("id"));
        const QJsonValue ok = response.value(QLatin1String("ok"));
        if (!id.isDouble() || !ok.isBool()) {
            failAll(prefixed(QStringLiteral("protocol error: an answer without \"id\" or \"ok\"")));
            return;
        }
        answered_ = true;
        const auto found = calls_.find(quint64(id.toDouble()));
        if (found == calls_.end())
            continue; // the answer to a call that has timed out
        Callback callback = std::move(found->second.callback);
        calls_.erase(found);
        afterCallEnded();
        if (ok.toBool())
            callback(true, response.value(QLatin1String("result")).toObject(), QString());
        else
            callback(false, QJsonObject(),
                     prefixed(response.value(QLatin1String("error")).toString()));
        if (!self || finished_)
            return; // the callback deleted the client, or it failed this connection
    }
}

void RpcClientConnection::expireCalls() {
    std::vector<std::pair<Callback, int>> expired;
    for (auto it = calls_.begin(); it != calls_.end();) {
        if (it->second.deadline.hasExpired()) {
            expired.emplace_back(std::move(it->second.callback), it->second.timeoutMs);
            it = calls_.erase(it);
        } else {
            ++it;
        }
    }
    armDeadline();
    if (!expired.empty())
        retire(); // the peer may be hung or gone: later calls get a fresh connection
    const QString prefix = prefixed(QString());
    // `this` may be deleted by a callback; only locals from here on.
    for (auto& [callback, timeoutMs] : expired)
        callback(false, QJsonObject(),
                 prefix + QStringLiteral("timed out after %1 ms").arg(timeoutMs));
}

void RpcClientConnection::armDeadline() {
    qint64 soonest = -1;
    for (const auto& [id, call] : calls_) {
        const qint64 left = qMax<qint64>(0, call.deadline.remainingTime());
        if (soonest < 0 || left < soonest)
            soonest = left;
    }
    if (soonest < 0)
        deadlineTimer_.stop();
    else
        deadlineTimer_.start(int(qMin<qint64>(soonest, std::numeric_limits<int>::max())));
}

void RpcClientConnection::afterCallEnded() {
    armDeadline();
    if (!calls_.empty())
        return;
    if (retired_)
        retire(); // closes now that nothing is left to answer
    else
        idleTimer_.start();
}

void RpcClientConnection::retire() {
    retired_ = true;
    idleTimer_.stop();
    if (!calls_.empty() || finished_)
        return;
    finished_ = true;
    deadlineTimer_.stop();
    socket_->disconnectFromHost();
    deleteLater();
}

void RpcClientConnection::failAll(const QString& error) {
    if (finished_)
        return;
    finished_ = true;
    retired_ = true;
    deadlineTimer_.stop();
    idleTimer_.stop();
    std::vector<Callback> callbacks;
    for (auto& [id, call] : calls_)
        callbacks.push_back(std::move(call.callback));
    calls_.clear();
    qCDebug(lcRpc).noquote() << error;
    socket_->abort();
    deleteLater();
    // `this` may be deleted by a callback; only locals from here on.
    for (Callback& callback : callbacks)
        callback(false, QJsonObject(), error);
}

} // namespace lifeline::rpc
