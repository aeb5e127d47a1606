#include "ControlClient.h"

#include "ControlProtocol.h"

#include <QDeadlineTimer>
#include <QJsonDocument>
#include <QLocalSocket>

namespace lifeline::control {

namespace {
// A response larger than this is garbage (status of a big cluster is a few hundred KiB).
constexpr qsizetype kMaxResponseBytes = 64 * 1024 * 1024;
} // namespace

ControlClient::ControlClient(QString socketPath) : path_(std::move(socketPath)) {}

ControlClient::~ControlClient() = default;

bool ControlClient::isConnected() const {
    return socket_ && socket_->state() == QLocalSocket::ConnectedState;
}

void ControlClient::disconnectFromDaemon() {
    if (socket_)
        socket_->abort();
    socket_.reset();
    buffer_.clear();
}

bool ControlClient::connectToDaemon(int timeoutMs, QString* error) {
    if (isConnected())
        return true;
    disconnectFromDaemon();
    socket_ = std::make_unique<QLocalSocket>();
    socket_->connectToServer(path_);
    if (socket_->waitForConnected(timeoutMs))
        return true;
    QString why;
    switch (socket_->error()) {
    case QLocalSocket::ServerNotFoundError:
    case QLocalSocket::ConnectionRefusedError:
        why = QStringLiteral("could not connect to lifelined at %1: is the Lifeline service "
                             "running?")
                  .arg(path_);
        break;
    case QLocalSocket::SocketAccessError:
        why = QStringLiteral("could not connect to lifelined at %1: permission denied (root and "
                             "members of group lifeline may use it)")
                  .arg(path_);
        break;
    case QLocalSocket::SocketTimeoutError:
        why = QStringLiteral("could not connect to lifelined at %1: no answer within %2 ms")
                  .arg(path_)
                  .arg(timeoutMs);
        break;
    default:
        why = QStringLiteral("could not connect to lifelined at %1: %2")
                  .arg(path_, socket_->errorString());
        break;
    }
    socket_.reset();
    if (error)
        *error = why;
    return false;
}

ControlReply ControlClient::transportError(const QString& code, const QString& message) {
    ControlReply reply;
    reply.status = ControlReply::Status::Transport;
    reply.code = code;
    reply.message = message;
    return reply;
}

ControlReply ControlClient::call(const QString& command, const QJsonObject& args, int timeoutMs) {
    const qint64 id = nextId_++;
    return exchange(encodeRequest(id, command, args), id, timeoutMs);
}

ControlReply ControlClient::callRaw(const QByteArray& bytes, int timeoutMs) {
    return exchange(bytes, -1, timeoutMs);
}

ControlReply ControlClient::exchange(const QByteArray& bytes, qint64 id, int timeoutMs) {
    const QDeadlineTimer deadline(timeoutMs);
    QString why;
    if (!connectToDaemon(int(qMax<qint64>(1, deadline.remainingTime())), &why))
        return transportError(QStringLiteral("connect"), why);
    socket_->write(bytes);
    while (socket_->bytesToWrite() > 0) {
        if (!socket_->waitForBytesWritten(int(qMax<qint64>(1, deadline.remainingTime())))) {
            if (deadline.hasExpired())
                return transportError(QStringLiteral("timeout"),
                                      QStringLiteral("lifelined did not take the request within "
                                                     "%1 ms")
                                          .arg(timeoutMs));
            break; // the daemon closed; a response may still be in the buffer
        }
    }
    for (;;) {
        const qsizetype newline = buffer_.indexOf('\n');
        if (newline >= 0) {
            const QByteArray line = buffer_.left(newline);
            buffer_.remove(0, newline + 1);
            QJsonParseError parseError{};
            const QJsonDocument doc = QJsonDocument::fromJson(line, &parseError);
            if (!doc.isObject())
                return transportError(QStringLiteral("bad-response"),
                                      QStringLiteral("lifelined sent an unreadable response: %1")
                                          .arg(parseError.errorString()));
            const QJsonObject o = doc.object();
            const QJsonValue gotId = o.value(QLatin1String("id"));
            // A response to an earlier, abandoned request: skip it. A null id answers
            // a request the server could not read (ours, when only one is in flight).
            if (id >= 0 && gotId.isDouble() && qint64(gotId.toDouble()) != id)
                continue;
            ControlReply reply;
            reply.raw = o;
            if (o.value(QLatin1String("ok")).toBool()) {
                reply.status = ControlReply::Status::Ok;
                reply.result = o.value(QLatin1String("result")).toObject();
            } else {
                const QJsonObject error = o.value(QLatin1String("error")).toObject();
                reply.status = ControlReply::Status::Error;
                reply.code = error.value(QLatin1String("code")).toString();
                reply.message = error.value(QLatin1String("message")).toString();
                if (reply.message.isEmpty())
                    reply.message =
                        QStringLiteral("lifelined refused the request (%1)")
                            .arg(reply.code.isEmpty() ? QStringLiteral("no reason") : reply.code);
            }
            return reply;
        }
        if (buffer_.size() > kMaxResponseBytes) {
            disconnectFromDaemon();
            return transportError(QStringLiteral("bad-response"),
                                  QStringLiteral("lifelined sent an oversized response"));
        }
        if (socket_->bytesAvailable() > 0) {
            buffer_ += socket_->readAll();
            continue;
        }
        if (socket_->state() != QLocalSocket::ConnectedState) {
            disconnectFromDaemon();
            return transportError(QStringLiteral("disconnected"),
                                  QStringLiteral("lifelined closed the connection without an "
                                                 "answer"));
        }
        if (deadline.hasExpired() ||
            !socket_->waitForReadyRead(int(qMax<qint64>(1, deadline.remainingTime())))) {
            if (socket_->bytesAvailable() > 0)
                continue;
            if (socket_->state() != QLocalSocket::ConnectedState) {
                disconnectFromDaemon();
                return transportError(QStringLiteral("disconnected"),
                                      QStringLiteral("lifelined closed the connection without "
                                                     "an answer"));
            }
            if (deadline.hasExpired()) {
                return transportError(
                    QStringLiteral("timeout"),
                    QStringLiteral("lifelined did not answer within %1 ms").arg(timeoutMs));
            }
        }
    }
}

} // namespace lifeline::control
