#pragma once

#include "MonitorDriver.h"
#include "MonitorSupport.h"

#include <QPointer>
#include <QTimer>
#include <QUrl>

class QNetworkAccessManager;
class QNetworkReply;

namespace lifeline::monitors {

// httpw: one HEAD or GET request per check to ipaddress:port/uri over HTTP or
// HTTPS (README.md "httpw"). Normal on a 2xx or 3xx answer (redirects are not
// followed); Error on 4xx/5xx, a refused or closed connection, a TLS failure or
// no answer. HTTPS does the real TLS handshake but, like ExpressCluster's httpw,
// does not verify the server's certificate.
class HttpMonitor : public MonitorDriver {
    Q_OBJECT
public:
    static constexpr int kBackstopMs = 1000; // own limit: monitor timeout + this (as genw)

    explicit HttpMonitor(MonitorContext context, QObject* parent = nullptr);
    ~HttpMonitor() override;

    void check(Done done) override;
    void cancel() override;

    // The URL requested, or an empty URL and *error when a parameter is unusable.
    QUrl url(QString* error) const;
    QByteArray method() const; // "HEAD" or "GET"

private:
    QString parameter(const QString& key) const; // trimmed; empty = the schema default
    void finished(QNetworkReply* reply);
    void dropReply();

    PendingCheck pending_{this};
    QNetworkAccessManager* manager_;
    QPointer<QNetworkReply> reply_;
    QString request_; // "HEAD http://127.0.0.1:80/" of the check in progress, for the detail
    QTimer backstop_;
};

} // namespace lifeline::monitors
