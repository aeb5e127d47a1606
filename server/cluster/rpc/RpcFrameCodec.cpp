#include "RpcFrameCodec.h"

#include <QJsonDocument>
#include <QJsonParseError>
#include <QtEndian>

namespace lifeline::rpc {

namespace {

QString tooLarge(qint64 size) {
    return QStringLiteral("a message of %1 bytes exceeds the limit of %2 bytes (4 MiB)")
        .arg(size)
        .arg(RpcFrameCodec::kMaxMessageBytes);
}

} // namespace

QByteArray RpcFrameCodec::encode(const QJsonObject& message, QString* error) {
    const QByteArray json = QJsonDocument(message).toJson(QJsonDocument::Compact);
    if (json.size() > kMaxMessageBytes) {
        if (error)
            *error = tooLarge(json.size());
        return {};
    }
    QByteArray frame(kHeaderBytes, Qt::Uninitialized);
    qToBigEndian(quint32(json.size()), frame.data());
    frame += json;
    return frame;
}

void RpcFrameCodec::append(const QByteArray& bytes) {
    if (start_ > 0 && start_ == buffer_.size()) {
        buffer_.clear();
        start_ = 0;
    }
    buffer_ += bytes;
}

RpcFrameCodec::Result RpcFrameCodec::next(QJsonObject* message, QString* error) {
    auto fail = [error](const QString& why) {
        if (error)
            *error = why;
        return Result::Error;
    };
    if (bufferedBytes() < kHeaderBytes)
        return Result::NeedMore;
    const quint32 size = qFromBigEndian<quint32>(buffer_.constData() + start_);
    // Judged on the header alone: an oversized message is refused before its body arrives.
    if (size > quint32(kMaxMessageBytes))
        return fail(tooLarge(size));
    if (size == 0)
        return fail(QStringLiteral("an empty message"));
    if (bufferedBytes() < kHeaderBytes + qsizetype(size))
        return Result::NeedMore;

    const QByteArray json = buffer_.mid(start_ + kHeaderBytes, size);
    start_ += kHeaderBytes + size;
    if (start_ == buffer_.size()) {
        buffer_.clear();
        start_ = 0;
    } else if (start_ > kMaxMessageBytes) {
        buffer_.remove(0, start_);
        start_ = 0;
    }

    QJsonParseError parseError;
    const QJsonDocument document = QJsonDocument::fromJson(json, &parseError);
    if (parseError.error != QJsonParseError::NoError)
        return fail(QStringLiteral("a message is not valid JSON: %1 at offset %2")
                        .arg(parseError.errorString())
                        .arg(parseError.offset));
    if (!document.isObject())
        return fail(QStringLiteral("a message is not a JSON object"));
    *message = document.object();
    return Result::Message;
}

} // namespace lifeline::rpc
