#pragma once

#include "RpcFrameCodec.h"

#include <QDeadlineTimer>
#include <QJsonObject>
#include <QList>
#include <QObject>
#include <QSsl>
#include <QSslConfiguration>
#include <QSslError>
#include <QString>
#include <QTimer>
#include <functional>
#include <map>

class QSslSocket;

namespace lifeline::rpc {

// One TLS connection from RpcClient to one peer (internal). Carries any number of calls at once,
// each with its own deadline, and calls every callback exactly once. It stops taking new calls
// (is "retired") once a call timed out, the peer went away or it sat idle; it deletes itself
// when it has nothing left to answer.
class RpcClientConnection : public QObject {
    Q_OBJECT
public:
    using Callback = std::function<void(bool ok, const QJsonObject& result, const QString& error)>;

    RpcClientConnection(const QString& host, quint16 port, const QString& expectedPeer,
                        const QString& ownName, const QSslConfiguration& config, int idleTimeoutMs,
                        QObject* parent);
    ~RpcClientConnection() override;

    // Starts connecting; called once, from the event loop.
    void start();
    bool acceptsCalls() const { return !retired_; }
    void retire();
    void call(const QString& method, const QJsonObject& params, int timeoutMs, Callback callback);

    // "server2 (198.18.0.12:29001)": how messages name the peer.
    static QString describe(const QString& expectedPeer, const QString& host, quint16 port);

signals:
    void encrypted(const QString& peerName, QSsl::SslProtocol protocol);

private:
    struct Call {
        Callback callback;
        QDeadlineTimer deadline;
        int timeoutMs = 0;
        QByteArray unsent; // the frame, until the handshake is done
    };

    void onEncrypted();
    void onSslErrors(const QList<QSslError>& errors);
    void onAlertReceived(QSsl::AlertLevel level, QSsl::AlertType type, const QString& text);
    QString closedMessage() const;
    void onError();
    void onDisconnected();
    void readMessages();
    void expireCalls();
    void armDeadline();
    void afterCallEnded();
    void failAll(const QString& error);
    QString prefixed(const QString& message) const;

    QSslSocket* socket_;
    QString host_;
    quint16 port_;
    QString expectedPeer_;
    QString ownName_;
    RpcFrameCodec codec_;
    std::map<quint64, Call> calls_;
    quint64 nextId_ = 1;
    QTimer deadlineTimer_;
    QTimer idleTimer_;
    QString handshakeProblem_;
    bool encrypted_ = false;
    bool answered_ = false; // the peer has answered at least once
    bool retired_ = false;
    bool finished_ = false;
};

} // namespace lifeline::rpc
