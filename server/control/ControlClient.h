#pragma once

#include <QByteArray>
#include <QJsonObject>
#include <QString>
#include <memory>

class QLocalSocket;

namespace lifeline::control {

// The answer to one request, or why there is none.
struct ControlReply {
    enum class Status {
        Ok,        // the daemon did it: `result`
        Error,     // the daemon refused or failed: `code`, `message`
        Transport, // no answer (no daemon, timeout, lost connection, garbage): `code`, `message`
    };
    Status status = Status::Transport;
    QJsonObject result;
    QString code;    // the daemon's error code, or connect / timeout / disconnected / bad-response
    QString message; // for people
    QJsonObject raw; // the whole response object (when there was one)

    bool ok() const { return status == Status::Ok; }
};

// A synchronous client of the control socket for the clp* commands (no event
// loop needed). Not for use in the thread that runs the ControlServer it talks to.
class ControlClient {
public:
    static constexpr int kDefaultTimeoutMs = 30000;

    explicit ControlClient(QString socketPath);
    ~ControlClient();
    ControlClient(const ControlClient&) = delete;
    ControlClient& operator=(const ControlClient&) = delete;

    QString socketPath() const { return path_; }

    // Connects if not connected yet. On failure `error` says why, e.g. "could not
    // connect to lifelined at PATH: is the Lifeline service running?".
    bool connectToDaemon(int timeoutMs = 5000, QString* error = nullptr);
    bool isConnected() const;
    void disconnectFromDaemon();

    // Sends one request and waits up to `timeoutMs` for its response.
    ControlReply call(const QString& command, const QJsonObject& args = {},
                      int timeoutMs = kDefaultTimeoutMs);
    // Sends raw bytes (tests: malformed requests) and waits for the next response line.
    ControlReply callRaw(const QByteArray& bytes, int timeoutMs = kDefaultTimeoutMs);

private:
    ControlReply exchange(const QByteArray& bytes, qint64 id, int timeoutMs);
    static ControlReply transportError(const QString& code, const QString& message);

    QString path_;
    std::unique_ptr<QLocalSocket> socket_;
    QByteArray buffer_;
    qint64 nextId_ = 1;
};

} // namespace lifeline::control
