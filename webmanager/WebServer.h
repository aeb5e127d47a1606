#pragma once

#include "ApiRouter.h"
#include "EventFeed.h"

#include <QAbstractHttpServer>
#include <QHostAddress>
#include <QSslConfiguration>

class QTcpServer;
class QTcpSocket;

namespace lifeline::webmgr {

// The HTTP(S) side: QtHttpServer parses requests, ApiRouter answers them, and the answer
// is written here, possibly later. QtHttpServer 6.4's QHttpServerResponder keeps a
// reference to the connection's request, which is gone once the client disconnects, so
// late answers are written to the socket directly and only while it still exists.
// A request whose bytes exceed the body limit by far is answered 413 on the spot and the
// rest of it discarded, so nobody can make the service buffer a large upload; a connection
// idle for 60 s (no request under way) is closed. Streams (GET /api/v1/events, log archive
// downloads) are written the same way: the head once, then the body as it comes, the
// connection counting as busy until the stream ends.
class WebServer : public QAbstractHttpServer {
    Q_OBJECT
public:
    WebServer(ApiRouter& router, bool secure, QObject* parent = nullptr);

    // Listens on address:port, with TLS when `ssl` is given. False with `error` set.
    bool start(const QHostAddress& address, quint16 port, const QSslConfiguration* ssl,
               QString* error);
    quint16 port() const { return port_; }
    // Where GET /api/v1/events streams go (none: such a request gets 503).
    void setFeed(EventFeed* feed) { feed_ = feed; }

    static QByteArray encode(const ApiResponse& response, bool close);

protected:
    bool handleRequest(const QHttpServerRequest& request, QTcpSocket* socket) override;
    void missingHandler(const QHttpServerRequest& request, QTcpSocket* socket) override;

private:
    void guard(QTcpSocket* socket);
    void refuseOversized(QTcpSocket* socket);
    // Writes the head of an event stream and hands the connection to the feed.
    void startStream(QTcpSocket* socket, const ApiResponse& head);
    // Writes the head and first part of a download, then lets its pump write the rest.
    void startPump(QTcpSocket* socket, const ApiResponse& response);

    ApiRouter& router_;
    bool secure_;
    quint16 port_ = 0;
    EventFeed* feed_ = nullptr;
};

} // namespace lifeline::webmgr
