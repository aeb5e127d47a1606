#include "RemoteCluster.h"

#include <QCoreApplication>
#include <QJsonArray>
#include <QJsonDocument>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QSettings>
#include <QSslCertificate>
#include <QSslConfiguration>

#include <memory>

namespace lifeline::builder {

namespace {

constexpr int kDefaultPort = 29003;

QString settingsKey(const QString& hostKey) {
    return QStringLiteral("trustedCertificates/") + QString(hostKey).replace(QLatin1Char('/'), QLatin1Char('_'));
}

} // namespace

RemoteCluster::RemoteCluster(QObject* parent)
    : QObject(parent), network_(new QNetworkAccessManager(this)) {}

RemoteCluster& RemoteCluster::shared() {
    static auto* instance = new RemoteCluster(qApp);
    return *instance;
}

void RemoteCluster::setEndpoint(const QString& url, const QString& user, const QString& password) {
    QString text = url.trimmed();
    if (!text.contains(QLatin1String("://")))
        text.prepend(QStringLiteral("https://"));
    url_ = QUrl(text);
    if (url_.port() == -1)
        url_.setPort(kDefaultPort);
    url_.setPath(QString());
    user_ = user;
    password_ = password;
    emit endpointChanged();
}

QString RemoteCluster::formatFingerprint(const QByteArray& hex) {
    QStringList pairs;
    for (qsizetype i = 0; i + 1 < hex.size(); i += 2)
        pairs << QString::fromLatin1(hex.mid(i, 2)).toUpper();
    return pairs.join(QLatin1Char(':'));
}

QString RemoteCluster::hostKey() const {
    return QStringLiteral("%1:%2").arg(url_.host()).arg(url_.port());
}

QByteArray RemoteCluster::trustedFingerprint() const {
    return QSettings().value(settingsKey(hostKey())).toByteArray();
}

void RemoteCluster::trust(const QByteArray& hexFingerprint) {
    QSettings().setValue(settingsKey(hostKey()), hexFingerprint);
}

void RemoteCluster::request(const QByteArray& method, const QString& path, const QJsonObject& body,
                            int timeoutMs, Done done) {
    QUrl target = url_;
    const QString what = QStringLiteral("%1 %2").arg(QString::fromLatin1(method), path);
    target.setPath(path.section(QLatin1Char('?'), 0, 0));
    target.setQuery(path.section(QLatin1Char('?'), 1));
    if (!hasEndpoint()) {
        done({false, 0, {}, QStringLiteral("%1: not a WebManager address (https://HOST:29003)")
                                .arg(url_.toString()), {}});
        return;
    }
    QNetworkRequest request(target);
    request.setTransferTimeout(timeoutMs);
    request.setRawHeader("Authorization",
                         "Basic " + QStringLiteral("%1:%2").arg(user_, password_).toUtf8().toBase64());
    request.setHeader(QNetworkRequest::ContentTypeHeader, QStringLiteral("application/json"));
    QNetworkReply* reply = method == "GET"
                               ? network_->get(request)
                               : network_->sendCustomRequest(
                                     request, method, QJsonDocument(body).toJson(QJsonDocument::Compact));
    // A self-signed certificate is accepted when its fingerprint is the trusted one.
    auto untrusted = std::make_shared<QByteArray>();
    connect(reply, &QNetworkReply::sslErrors, reply, [this, reply, untrusted](const QList<QSslError>&) {
        const QByteArray fingerprint =
            reply->sslConfiguration().peerCertificate().digest(QCryptographicHash::Sha256).toHex();
        if (!fingerprint.isEmpty() && fingerprint == trustedFingerprint())
            reply->ignoreSslErrors();
        else
            *untrusted = fingerprint;
    });
    connect(reply, &QNetworkReply::finished, this, [this, reply, target, untrusted, done] {
        finished(reply, target.toString(QUrl::RemoveUserInfo), *untrusted, done);
    });
}

void RemoteCluster::finished(QNetworkReply* reply, const QString& where, const QByteArray& untrusted,
                             Done done) {
    reply->deleteLater();
    Answer a;
    a.status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    a.untrusted = untrusted;
    const QByteArray data = reply->readAll();
    a.body = QJsonDocument::fromJson(data).object();
    const QString message = a.body.value("result").toObject().value("message").toString();
    if (!untrusted.isEmpty()) {
        a.message = QStringLiteral("%1: the server's certificate is not trusted (SHA-256 %2)")
                        .arg(where, formatFingerprint(untrusted));
    } else if (reply->error() == QNetworkReply::OperationCanceledError ||
               reply->error() == QNetworkReply::TimeoutError) {
        a.message = QStringLiteral("%1: no answer within %2 s").arg(where).arg(
            reply->request().transferTimeout() / 1000);
    } else if (a.status == 0) {
        a.message = QStringLiteral("%1: %2").arg(where, reply->errorString());
    } else if (a.body.isEmpty()) {
        a.message = QStringLiteral("%1: HTTP %2 without a WebManager answer (is it a WebManager?)")
                        .arg(where)
                        .arg(a.status);
    } else {
        a.ok = a.status / 100 == 2;
        a.message = a.ok ? message : QStringLiteral("%1: %2").arg(where, message);
    }
    done(a);
}

void RemoteCluster::getConfiguration(
    std::function<void(std::optional<config::ConfigPackage>, const Answer&)> done) {
    request("GET", QStringLiteral("/api/v1/configuration"), {}, kTimeoutMs, [this, done](const Answer& a) {
        if (!a.ok) {
            done(std::nullopt, a);
            return;
        }
        QString error;
        auto package = config::ConfigPackage::fromJson(a.body.value("configuration").toObject(), &error);
        if (!package) {
            Answer bad = a;
            bad.ok = false;
            bad.message = QStringLiteral("%1/api/v1/configuration: %2").arg(url_.toString(), error);
            done(std::nullopt, bad);
            return;
        }
        done(package, a);
    });
}

void RemoteCluster::applyConfiguration(const config::ConfigPackage& package, Done done) {
    request("POST", QStringLiteral("/api/v1/configuration"), {{"configuration", package.toJson()}},
            kApplyTimeoutMs, std::move(done));
}

void RemoteCluster::devices(const QString& server, Done done) {
    request("GET", QStringLiteral("/api/v1/servers/%1/devices").arg(server), {}, kTimeoutMs,
            std::move(done));
}

void RemoteCluster::servers(Done done) {
    request("GET", QStringLiteral("/api/v1/servers?select=name"), {}, kTimeoutMs, std::move(done));
}

} // namespace lifeline::builder
