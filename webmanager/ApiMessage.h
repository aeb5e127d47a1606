#pragma once

#include <QByteArray>
#include <QHash>
#include <QHostAddress>
#include <QList>
#include <QPair>
#include <QString>
#include <QUrlQuery>

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

// The answer: status, extra headers and the body (JSON unless a header says otherwise).
struct ApiResponse {
    int status = 200;
    QList<QPair<QByteArray, QByteArray>> headers;
    QByteArray body;
    QByteArray contentType = "application/json";
};

} // namespace lifeline::webmgr
