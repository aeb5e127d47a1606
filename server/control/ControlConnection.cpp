#include "ControlConnection.h"

#include <QLocalSocket>

namespace lifeline::control {

namespace {
// Qt reads ahead only this much, so a client that floods us cannot grow memory
// beyond one maximal request.
constexpr qint64 kReadAhead = 256 * 1024;
// A client that sends requests but never reads the answers is cut off here.
constexpr qint64 kMaxUnwritten = 64 * 1024 * 1024;
} // namespace

ControlConnection::ControlConnection(QLocalSocket* socket, PeerCredentials peer,
                                     AccessControl::Level level, LineHandler onLine,
                                     QObject* parent)
    : QObject(parent), socket_(socket), peer_(std::move(peer)), level_(level),
      onLine_(std::move(onLine)) {
    socket_->setParent(this);
    socket_->setReadBufferSize(kReadAhead);
    connect(socket_, &QLocalSocket::readyRead, this, &ControlConnection::readLines);
    connect(socket_, &QLocalSocket::disconnected, this, &ControlConnection::finish);
    connect(socket_, &QLocalSocket::errorOccurred, this, [this](QLocalSocket::LocalSocketError e) {
        if (e != QLocalSocket::SocketTimeoutError)
            finish();
    });
    if (socket_->bytesAvailable() > 0)
        QMetaObject::invokeMethod(this, &ControlConnection::readLines, Qt::QueuedConnection);
}

ControlConnection::~ControlConnection() = default;

bool ControlConnection::isConnected() const {
    return !finished_ && !closing_ && socket_->state() == QLocalSocket::ConnectedState;
}

void ControlConnection::send(const QByteArray& line) {
    if (finished_ || socket_->state() != QLocalSocket::ConnectedState)
        return;
    if (socket_->bytesToWrite() > kMaxUnwritten) {
        socket_->abort();
        finish();
        return;
    }
    socket_->write(line);
}

void ControlConnection::sendAndClose(const QByteArray& line) {
    send(line);
    closing_ = true;
    buffer_.clear();
    if (socket_->state() == QLocalSocket::ConnectedState)
        socket_->disconnectFromServer(); // after the pending bytes are written
    else
        finish();
}

void ControlConnection::abort() {
    if (finished_)
        return;
    closing_ = true;
    socket_->abort();
    finish();
}

void ControlConnection::readLines() {
    if (finished_)
        return;
    if (closing_) {
        socket_->readAll();
        return;
    }
    buffer_ += socket_->readAll();
    while (!closing_ && !finished_) {
        const qsizetype newline = buffer_.indexOf('\n', scanned_);
        if (newline < 0) {
            scanned_ = buffer_.size();
            if (buffer_.size() > kMaxRequestBytes)
                sendAndClose(encodeError(QJsonValue(), errors::kTooLarge,
                                         QStringLiteral("request larger than %1 bytes; closing "
                                                        "the connection")
                                             .arg(kMaxRequestBytes)));
            return;
        }
        if (newline > kMaxRequestBytes) {
            sendAndClose(
                encodeError(QJsonValue(), errors::kTooLarge,
                            QStringLiteral("request larger than %1 bytes; closing the connection")
                                .arg(kMaxRequestBytes)));
            return;
        }
        QByteArray line = buffer_.left(newline);
        buffer_.remove(0, newline + 1);
        scanned_ = 0;
        if (line.endsWith('\r'))
            line.chop(1);
        if (line.trimmed().isEmpty())
            continue;
        onLine_(this, line);
    }
}

void ControlConnection::finish() {
    if (finished_)
        return;
    finished_ = true;
    emit closed(this);
    deleteLater();
}

} // namespace lifeline::control
