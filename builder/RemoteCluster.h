#pragma once

#include "ConfigPackage.h"

#include <QHash>
#include <QJsonObject>
#include <QObject>
#include <QUrl>

#include <functional>
#include <optional>

class QNetworkAccessManager;
class QNetworkReply;

namespace lifeline::builder {

// The Builder's way to a running cluster: the WebManager's REST API (webmanager/README.md)
// with HTTP Basic, asynchronous (QNetworkAccessManager), each request with a timeout.
// HTTPS with the WebManager's self-signed certificate is accepted only when its SHA-256
// fingerprint was trusted for that host and port, as ssh does with host keys: an unknown
// one fails the request with `untrusted` set, the dialog shows it and asks, and `trust()`
// remembers it (QSettings, so it is asked once).
class RemoteCluster : public QObject {
    Q_OBJECT
public:
    static constexpr int kTimeoutMs = 15000;
    // An apply stages and commits on every server.
    static constexpr int kApplyTimeoutMs = 120000;

    struct Answer {
        bool ok = false;
        int status = 0;    // HTTP status, 0 when none came
        QJsonObject body;  // the JSON answer (also of an error status)
        QString message;   // result.message, or what went wrong, naming the URL
        QByteArray untrusted; // the certificate's fingerprint when it is not trusted (hex)
    };
    using Done = std::function<void(const Answer&)>;

    explicit RemoteCluster(QObject* parent = nullptr);
    // The one the Builder's dialogs share (Get, Apply, Discover…): the last endpoint used.
    static RemoteCluster& shared();

    // "https://server1:29003" (a bare host gets https:// and port 29003).
    void setEndpoint(const QString& url, const QString& user, const QString& password);
    QUrl url() const { return url_; }
    QString user() const { return user_; }
    bool hasEndpoint() const { return url_.isValid() && !url_.host().isEmpty(); }

    // "AB:CD:..." of a hex fingerprint, as the dialog shows it.
    static QString formatFingerprint(const QByteArray& hex);
    QByteArray trustedFingerprint() const;
    void trust(const QByteArray& hexFingerprint);

    // GET /api/v1/configuration: the package, or nothing with the answer's message.
    void getConfiguration(std::function<void(std::optional<config::ConfigPackage>, const Answer&)> done);
    // POST /api/v1/configuration: the answer's message is clpcfctrl's output.
    void applyConfiguration(const config::ConfigPackage& package, Done done);
    // GET /api/v1/servers/{server}/devices.
    void devices(const QString& server, Done done);
    // GET /api/v1/servers?select=name -> the names in `body.servers`.
    void servers(Done done);

    void request(const QByteArray& method, const QString& path, const QJsonObject& body,
                 int timeoutMs, Done done);

signals:
    // setEndpoint() was called: the "Discover…" buttons enable themselves.
    void endpointChanged();

private:
    QString hostKey() const; // "host:port" of the trusted fingerprints
    void finished(QNetworkReply* reply, const QString& what, const QByteArray& untrusted, Done done);

    QNetworkAccessManager* network_;
    QUrl url_;
    QString user_;
    QString password_;
};

} // namespace lifeline::builder
