#pragma once

#include <QByteArray>
#include <QHash>
#include <QHostAddress>
#include <QList>
#include <QPair>
#include <QString>
#include <QUrlQuery>

#include <functional>

namespace lifeline::webmgr {

// One HTTP request as the router sees it, apart from the HTTP library (tests build
// them by hand). Header names are lower case.
struct ApiRequest {
    QString method; // "GET", "POST", ...
    QString path;   // decoded, without the query
    QUrlQuery query;
    QHash<QByteArray, QByteArray> headers;
    QByteArray body;
    QHostAddress peer;
    bool secure = true; // arrived over TLS

    QByteArray header(const QByteArray& lowerName) const { return headers.value(lowerName); }
};

// Where a streamed body goes: `bytes`, and whether they are the last (or the stream ends
// early: the connection is closed). Unless `last`, `next(true)` is called once the
// connection can take more, `next(false)` when the client has left.
using BodySink = std::function<void(const QByteArray& bytes, bool last, std::function<void(bool)> next)>;

// The answer: status, extra headers and the body (JSON unless a header says otherwise).
struct ApiResponse {
    int status = 200;
    QList<QPair<QByteArray, QByteArray>> headers;
    QByteArray body;
    QByteArray contentType = "application/json";
    // A stream: WebServer writes the head (no Content-Length of its own, the body ends when
    // the connection does) and `body`, then hands the connection to `pump` or, without one,
    // to the EventFeed (GET /api/v1/events).
    bool stream = false;
    // With `stream`: writes the rest of the body after `body` (a download whose length is
    // in the headers). None: the stream is an event stream.
    std::function<void(BodySink)> pump;
    // With an event stream of a session: whether it still exists (the stream is closed when
    // it has ended: logout, idle timeout). None: for as long as the client stays.
    std::function<bool()> allowed;
};

} // namespace lifeline::webmgr
