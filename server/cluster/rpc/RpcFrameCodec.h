#pragma once

#include <QByteArray>
#include <QJsonObject>
#include <QString>

namespace lifeline::rpc {

// RPC framing: each message is a JSON object preceded by its length as a big-endian uint32.
// Messages over 4 MiB are refused on both sides, so a peer cannot make us buffer more.
class RpcFrameCodec {
public:
    static constexpr qsizetype kMaxMessageBytes = 4 * 1024 * 1024;
    static constexpr qsizetype kHeaderBytes = 4;

    enum class Result { Message, NeedMore, Error };

    // The frame for `message`; empty (and a reason in `error`) if the JSON exceeds the limit.
    static QByteArray encode(const QJsonObject& message, QString* error);

    // Feeds received bytes; then call next() until it returns NeedMore or Error.
    void append(const QByteArray& bytes);
    // Takes the next complete message. After Error the stream is unusable (close it).
    Result next(QJsonObject* message, QString* error);

    qsizetype bufferedBytes() const { return buffer_.size() - start_; }

private:
    QByteArray buffer_;
    qsizetype start_ = 0; // consumed prefix of buffer_, dropped lazily
};

} // namespace lifeline::rpc
