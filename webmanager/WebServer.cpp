#include "WebServer.h"

#include "ConfigApi.h"

#include <QHttpServerRequest>
#include <QPointer>
#include <QSslServer>
#include <QSslSocket>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTimer>

#include <memory>

namespace lifeline::webmgr {

namespace {

// Headers plus the largest accepted body: beyond this a request is refused unread.
constexpr qint64 kMaxRequestBytes = ConfigApi::kMaxUploadBytes + 32 * 1024;
constexpr int kDrainMs = 10000;
// A connection with no request under way is closed after this long without a byte.
constexpr int kIdleMs = 60000;
// An event stream whose client reads nothing is dropped once this much waits to be sent.
constexpr qint64 kMaxStreamBacklog = 1024 * 1024;
// A download asks for its next part once less than this waits to be sent.
constexpr qint64 kPumpWindow = 2 * 1024 * 1024;
// How often an event stream of a session checks that the session still exists.
constexpr int kStreamCheckMs = 5000;
const char* const kReceived = "lifelineReceived";
const char* const kPending = "lifelinePending";

QByteArray reason(int status) {
    switch (status) {
    case 200: return "OK";
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 409: return "Conflict";
    case 413: return "Payload Too Large";
    case 429: return "Too Many Requests";
    case 500: return "Internal Server Error";
    case 503: return "Service Unavailable";
    default: return "Status";
    }
}

QString methodName(QHttpServerRequest::Method m) {
    switch (m) {
    case QHttpServerRequest::Method::Get: return QStringLiteral("GET");
    case QHttpServerRequest::Method::Put: return QStringLiteral("PUT");
    case QHttpServerRequest::Method::Delete: return QStringLiteral("DELETE");
    case QHttpServerRequest::Method::Post: return QStringLiteral("POST");
    case QHttpServerRequest::Method::Head: return QStringLiteral("HEAD");
    case QHttpServerRequest::Method::Options: return QStringLiteral("OPTIONS");
    case QHttpServerRequest::Method::Patch: return QStringLiteral("PATCH");
    case QHttpServerRequest::Method::Connect: return QStringLiteral("CONNECT");
    case QHttpServerRequest::Method::Trace: return QStringLiteral("TRACE");
    default: return QStringLiteral("UNKNOWN");
    }
}

// A plain TCP server that lets WebServer see each connection before QtHttpServer does.
class GuardedTcpServer : public QTcpServer {
public:
    GuardedTcpServer(std::function<void(QTcpSocket*)> onSocket, QObject* parent)
        : QTcpServer(parent), onSocket_(std::move(onSocket)) {}

protected:
    void incomingConnection(qintptr handle) override {
        auto* socket = new QTcpSocket(this);
        if (!socket->setSocketDescriptor(handle)) {
            delete socket;
            return;
        }
        onSocket_(socket);
        addPendingConnection(socket);
    }

private:
    std::function<void(QTcpSocket*)> onSocket_;
};

} // namespace

WebServer::WebServer(ApiRouter& router, bool secure, QObject* parent)
    : QAbstractHttpServer(parent), router_(router), secure_(secure) {}

bool WebServer::start(const QHostAddress& address, quint16 port, const QSslConfiguration* ssl,
                      QString* error) {
    QTcpServer* server = nullptr;
    if (ssl) {
        auto* s = new QSslServer(this);
        s->setSslConfiguration(*ssl);
        connect(s, &QSslServer::startedEncryptionHandshake, this,
                [this](QSslSocket* socket) { guard(socket); });
        server = s;
    } else {
        server = new GuardedTcpServer([this](QTcpSocket* socket) { guard(socket); }, this);
    }
    if (!server->listen(address, port)) {
        *error = QStringLiteral("cannot listen on %1 port %2: %3")
                     .arg(address.toString())
                     .arg(port)
                     .arg(server->errorString());
        delete server;
        return false;
    }
    port_ = server->serverPort();
    bind(server);
    return true;
}

// Counts the bytes of the request being received (QtHttpServer reads inside a
// transaction and commits when a request is complete; handleRequest resets the count).
void WebServer::guard(QTcpSocket* socket) {
    socket->setProperty(kReceived, qint64(0));
    auto* idle = new QTimer(socket);
    idle->setObjectName(QStringLiteral("lifelineIdle"));
    idle->setInterval(kIdleMs);
    connect(idle, &QTimer::timeout, socket, [socket, idle] {
        if (socket->property(kPending).toBool())
            idle->start(); // the client waits for an operation's answer
        else
            socket->disconnectFromHost();
    });
    idle->start();
    connect(socket, &QTcpSocket::readyRead, idle, qOverload<>(&QTimer::start));
    connect(socket, &QTcpSocket::readyRead, this, [this, socket] {
        if (socket->property("lifelineRefused").toBool())
            return;
        const qint64 n = socket->property(kReceived).toLongLong() + socket->bytesAvailable();
        socket->setProperty(kReceived, n);
        if (n > kMaxRequestBytes)
            refuseOversized(socket);
    });
}

void WebServer::refuseOversized(QTcpSocket* socket) {
    socket->setProperty("lifelineRefused", true);
    // QtHttpServer stops parsing this connection; the rest of the upload is read and
    // dropped so that the client gets to read the answer, then the connection closes.
    disconnect(socket, &QTcpSocket::readyRead, this, nullptr);
    if (socket->isTransactionStarted())
        socket->rollbackTransaction();
    socket->readAll();
    connect(socket, &QTcpSocket::readyRead, socket, [socket] { socket->readAll(); });
    const auto r = ApiRouter::error(413, QStringLiteral("the request is larger than %1 bytes; at "
                                                        "most %2 body bytes are accepted (%3 for a "
                                                        "configuration)")
                                             .arg(kMaxRequestBytes)
                                             .arg(ApiRouter::kMaxBodyBytes)
                                             .arg(ConfigApi::kMaxUploadBytes));
    socket->write(encode(r, true));
    QTimer::singleShot(kDrainMs, socket, [socket] { socket->disconnectFromHost(); });
}

QByteArray WebServer::encode(const ApiResponse& response, bool close) {
    QByteArray out = "HTTP/1.1 " + QByteArray::number(response.status) + ' ' +
                     reason(response.status) + "\r\n";
    out += "Content-Type: " + response.contentType + "\r\n";
    if (!response.stream) // a stream's body ends with the connection
        out += "Content-Length: " + QByteArray::number(response.body.size()) + "\r\n";
    out += "Cache-Control: no-store\r\nX-Content-Type-Options: nosniff\r\n"
           "X-Frame-Options: DENY\r\nReferrer-Policy: no-referrer\r\n";
    for (const auto& [name, value] : response.headers)
        out += name + ": " + value + "\r\n";
    if (close)
        out += "Connection: close\r\n";
    out += "\r\n";
    return out + response.body;
}

bool WebServer::handleRequest(const QHttpServerRequest& request, QTcpSocket* socket) {
    socket->setProperty(kReceived, qint64(0));
    ApiRequest api;
    api.method = methodName(request.method());
    api.path = request.url().path();
    api.query = request.query();
    for (const auto& [name, value] : request.headers())
        api.headers.insert(name.toLower(), value);
    api.body = request.body();
    // On a dual-stack socket an IPv4 client arrives as ::ffff:a.b.c.d; people know it as a.b.c.d.
    bool mapped = false;
    const quint32 v4 = request.remoteAddress().toIPv4Address(&mapped);
    api.peer = mapped ? QHostAddress(v4) : request.remoteAddress();
    api.secure = secure_;
    const bool close = api.header("connection").toLower() == "close";
    QPointer<QTcpSocket> alive(socket);
    socket->setProperty(kPending, true);
    router_.handle(api, [this, alive, close](const ApiResponse& response) {
        if (!alive || alive->state() != QAbstractSocket::ConnectedState)
            return; // the client left; nobody to tell
        if (response.stream && response.pump) {
            startPump(alive, response);
            return;
        }
        if (response.stream) {
            startStream(alive, response);
            return;
        }
        alive->setProperty(kPending, false);
        if (auto* idle = alive->findChild<QTimer*>(QStringLiteral("lifelineIdle")))
            idle->start();
        alive->write(encode(response, close));
        if (close)
            alive->disconnectFromHost();
    });
    return true;
}

void WebServer::startStream(QTcpSocket* socket, const ApiResponse& head) {
    if (!feed_ || feed_->streams() >= EventFeed::kMaxStreams) {
        socket->setProperty(kPending, false);
        socket->write(encode(ApiRouter::error(503, feed_ ? QStringLiteral("too many live-update streams "
                                                                          "(at most %1); try again later")
                                                               .arg(EventFeed::kMaxStreams)
                                                         : QStringLiteral("live updates are not available")),
                             true));
        socket->disconnectFromHost();
        return;
    }
    socket->write(encode(head, true));
    QPointer<QTcpSocket> alive(socket);
    const int id = feed_->subscribe([alive](const QByteArray& bytes) {
        if (!alive || alive->state() != QAbstractSocket::ConnectedState)
            return;
        if (alive->bytesToWrite() > kMaxStreamBacklog) {
            alive->abort(); // a client that reads nothing; disconnected() ends the subscription
            return;
        }
        alive->write(bytes);
    });
    // The connection stays "pending" (the idle timer leaves it open) until the client leaves;
    // then, or when the socket goes, the subscription ends.
    QPointer<EventFeed> feed(feed_);
    const auto end = [feed, id] {
        if (feed)
            feed->unsubscribe(id);
    };
    connect(socket, &QAbstractSocket::disconnected, feed_, end);
    connect(socket, &QObject::destroyed, feed_, end);
    if (head.allowed) {
        // The session ended (logout, idle timeout): the stream ends too; the page's
        // reconnect then gets 401 and shows the login.
        auto* check = new QTimer(socket);
        check->setInterval(kStreamCheckMs);
        connect(check, &QTimer::timeout, socket, [socket, allowed = head.allowed] {
            if (!allowed())
                socket->disconnectFromHost();
        });
        check->start();
    }
}

void WebServer::startPump(QTcpSocket* socket, const ApiResponse& response) {
    socket->write(encode(response, true));
    QPointer<QTcpSocket> alive(socket);
    response.pump([alive](const QByteArray& bytes, bool last, std::function<void(bool)> next) {
        if (!alive || alive->state() != QAbstractSocket::ConnectedState) {
            if (!last)
                next(false);
            return;
        }
        alive->write(bytes);
        if (last) {
            alive->setProperty(kPending, false);
            alive->disconnectFromHost(); // after what is buffered was sent
            return;
        }
        if (alive->bytesToWrite() < kPumpWindow) {
            next(true);
            return;
        }
        // Wait until the client has taken most of it (or left), then ask for more, once.
        auto waiting = std::make_shared<QList<QMetaObject::Connection>>();
        auto resume = [alive, waiting, next](bool ok) {
            if (waiting->isEmpty())
                return;
            for (const auto& c : *waiting)
                QObject::disconnect(c);
            waiting->clear();
            next(ok);
        };
        *waiting << connect(alive, &QIODevice::bytesWritten, alive, [alive, resume] {
            if (alive->bytesToWrite() < kPumpWindow / 2)
                resume(true);
        }) << connect(alive, &QAbstractSocket::disconnected, alive, [resume] { resume(false); });
    });
}

void WebServer::missingHandler(const QHttpServerRequest&, QTcpSocket* socket) {
    socket->write(encode(ApiRouter::error(404, QStringLiteral("no such endpoint")), true));
    socket->disconnectFromHost();
}

} // namespace lifeline::webmgr
