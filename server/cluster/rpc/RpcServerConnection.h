#pragma once

#include "RpcFrameCodec.h"

#include <QJsonObject>
#include <QObject>
#include <QSslSocket>
#include <QString>
#include <QTimer>

namespace lifeline::rpc {

class RpcServer;

// One authenticated connection accepted by RpcServer (internal): reads request frames, calls the
// registered handlers with the caller's verified server name and writes their answers back, in
// whatever order they come. Deletes itself when the connection ends.
class RpcServerConnection : public QObject {
    Q_OBJECT
public:
    // Takes over `socket`, which has completed the TLS handshake.
    RpcServerConnection(QSslSocket* socket, const QString& peerName, RpcServer* server,
                        int idleTimeoutMs);

    QString peerName() const { return peerName_; }
    void sendResponse(double id, bool ok, const QJsonObject& result, const QString& error);
    void abort();

private:
    void readMessages();
    void dispatch(const QJsonObject& request);
    void closeFor(const QString& reason);
    void onIdle();

    QSslSocket* socket_;
    QString peerName_;
    RpcServer* server_;
    RpcFrameCodec codec_;
    QTimer idleTimer_;
    int unanswered_ = 0;
    bool closing_ = false;
};

} // namespace lifeline::rpc
