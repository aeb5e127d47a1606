#include "WebServer.h"

#include <QHttpServerRequest>
#include <QPointer>
#include <QSslServer>
#include <QSslSocket>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTimer>

namespace lifeline::webmgr {

namespace {

// Headers plus the largest accepted body: beyond this a request is refused unread.
constexpr qint64 kMaxRequestBytes = ApiRouter::kMaxBodyBytes + 32 * 1024;
constexpr int kDrainMs = 10000;
// A connection with no request under way is closed after this long without a byte.
constexpr int kIdleMs = 60000;
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
                                                        "most %2 body bytes are accepted")
                                             .arg(kMaxRequestBytes)
                                             .arg(ApiRouter::kMaxBodyBytes));
    socket->write(encode(r, true));
    QTimer::singleShot(kDrainMs, socket, [socket] { socket->disconnectFromHost(); });
}

QByteArray WebServer::encode(const ApiResponse& response, bool close) {
    QByteArray out = "HTTP/1.1 " + QByteArray::number(response.status) + ' ' +
                     reason(response.status) + "\r\n";
    out += "Content-Type: " + response.contentType + "\r\n";
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
    router_.handle(api, [alive, close](const ApiResponse& response) {
        if (!alive || alive->state() != QAbstractSocket::ConnectedState)
            return; // the client left; nobody to tell
        alive->setProperty(kPending, false);
        if (auto* idle = alive->findChild<QTimer*>(QStringLiteral("lifelineIdle")))
            idle->start();
        alive->write(encode(response, close));
        if (close)
            alive->disconnectFromHost();
    });
    return true;
}

void WebServer::missingHandler(const QHttpServerRequest&, QTcpSocket* socket) {
    socket->write(encode(ApiRouter::error(404, QStringLiteral("no such endpoint")), true));
    socket->disconnectFromHost();
}

} // namespace lifeline::webmgr
