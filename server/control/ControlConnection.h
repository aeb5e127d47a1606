#pragma once

#include "AccessControl.h"
#include "ControlProtocol.h"

#include <QByteArray>
#include <QObject>
#include <functional>

class QLocalSocket;

namespace lifeline::control {

// One client of the control socket: splits the byte stream into request lines
// (refusing oversized ones), hands each line on, and writes responses. It
// deletes itself when the client goes away.
class ControlConnection : public QObject {
    Q_OBJECT
public:
    using LineHandler = std::function<void(ControlConnection*, const QByteArray&)>;

    ControlConnection(QLocalSocket* socket, PeerCredentials peer, AccessControl::Level level,
                      LineHandler onLine, QObject* parent = nullptr);
    ~ControlConnection() override;

    const PeerCredentials& peer() const { return peer_; }
    AccessControl::Level level() const { return level_; }
    bool isConnected() const;

    void send(const QByteArray& line);
    // Sends `line`, then closes once it is written; later input is ignored.
    void sendAndClose(const QByteArray& line);
    // Drops the client now (server shutdown).
    void abort();

signals:
    void closed(lifeline::control::ControlConnection* connection);

private:
    void readLines();
    void finish();

    QLocalSocket* socket_;
    PeerCredentials peer_;
    AccessControl::Level level_;
    LineHandler onLine_;
    QByteArray buffer_;
    qsizetype scanned_ = 0; // bytes of buffer_ already known to hold no '\n'
    bool closing_ = false;
    bool finished_ = false;
};

} // namespace lifeline::control
