#include "HttpMonitor.h"

#include "Schema.h"

#include <QHostAddress>
#include <QNetworkAccessManager>
#include <QNetworkProxy>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QSslConfiguration>
#include <QSslSocket>

namespace lifeline::monitors {

HttpMonitor::HttpMonitor(MonitorContext context, QObject* parent)
    : MonitorDriver(std::move(context), parent), manager_(new QNetworkAccessManager(this)) {
    // The service on the configured address is checked, never a proxy that
    // http_proxy or an application-wide setting might name.
    manager_->setProxy(QNetworkProxy::NoProxy);
    backstop_.setSingleShot(true);
    connect(&backstop_, &QTimer::timeout, this, [this] {
        const QString detail =
            QStringLiteral("%1: no answer within %2 ms").arg(request_).arg(backstop_.interval());
        dropReply();
        pending_.finish(CheckResult::Error, detail);
    });
}

HttpMonitor::~HttpMonitor() {
    // The reply is a child of manager_ and goes with it; abort first so that its
    // connection is closed and nothing reports to a driver being destroyed.
    if (reply_) {
        reply_->disconnect(this);
        reply_->abort();
    }
}

QString HttpMonitor::parameter(const QString& key) const {
    const QString value = context().monitor.param(key).trimmed();
    if (!value.isEmpty())
        return value;
    return config::schema::parameterDefault(config::schema::ObjectClass::Monitor,
                                            context().monitor.type, key);
}

QByteArray HttpMonitor::method() const {
    return parameter(QStringLiteral("requesttype")).toLatin1();
}

QUrl HttpMonitor::url(QString* error) const {
    const QString ip = parameter(QStringLiteral("ipaddress"));
    const QHostAddress address(ip);
    if (address.isNull()) {
        *error = QStringLiteral("\"%1\" is not an IP address (parameters/ipaddress)").arg(ip);
        return {};
    }
    bool ok = false;
    const QString portText = parameter(QStringLiteral("port"));
    const int port = portText.toInt(&ok);
    if (!ok || port < 1 || port > 65535) {
        *error = QStringLiteral("\"%1\" is not a TCP port (parameters/port)").arg(portText);
        return {};
    }
    const QString protocol = parameter(QStringLiteral("protocol"));
    if (protocol != QLatin1String("HTTP") && protocol != QLatin1String("HTTPS")) {
        *error = QStringLiteral("\"%1\" is not HTTP or HTTPS (parameters/protocol)").arg(protocol);
        return {};
    }
    // A path (and query) on that server; "//x" would name another host.
    const QString uri = parameter(QStringLiteral("uri"));
    const QUrl path(uri, QUrl::StrictMode);
    if (!uri.startsWith(QLatin1Char('/')) || uri.startsWith(QLatin1String("//")) ||
        !path.isValid()) {
        *error =
            QStringLiteral("\"%1\" is not a path on the HTTP server (parameters/uri)").arg(uri);
        return {};
    }
    QUrl base;
    base.setScheme(protocol.toLower());
    base.setHost(address.toString()); // IPv6 is bracketed by QUrl
    base.setPort(port);
    return base.resolved(path);
}

void HttpMonitor::check(Done done) {
    dropReply();
    pending_.begin(std::move(done));
    QString error;
    const QUrl target = url(&error);
    const QByteArray verb = method();
    if (target.isEmpty() || (verb != "HEAD" && verb != "GET")) {
        pending_.finish(CheckResult::Error,
                        target.isEmpty()
                            ? error
                            : QStringLiteral("\"%1\" is not HEAD or GET (parameters/requesttype)")
                                  .arg(QString::fromLatin1(verb)));
        return;
    }
    QNetworkRequest request(target);
    // A 3xx is the server's answer: it counts as Normal, it is not followed.
    request.setAttribute(QNetworkRequest::RedirectPolicyAttribute,
                         QNetworkRequest::ManualRedirectPolicy);
    request.setAttribute(QNetworkRequest::CacheLoadControlAttribute,
                         QNetworkRequest::AlwaysNetwork);
    // A fresh connection per check: each check proves the server still accepts one.
    request.setRawHeader("Connection", "close");
    request.setHeader(QNetworkRequest::UserAgentHeader, QStringLiteral("Lifeline-httpw"));
    if (target.scheme() == QLatin1String("https")) {
        if (!QSslSocket::supportsSsl()) {
            pending_.finish(CheckResult::Warning,
                            QStringLiteral("HTTPS: no TLS library is available"));
            return;
        }
        // ExpressCluster's httpw does not check the certificate (README.md "httpw"); the
        // handshake itself is real, and its failure is an error.
        QSslConfiguration tls = QSslConfiguration::defaultConfiguration();
        tls.setPeerVerifyMode(QSslSocket::VerifyNone);
        request.setSslConfiguration(tls);
    }
    request_ = QStringLiteral("%1 %2").arg(QString::fromLatin1(verb), target.toDisplayString());
    reply_ = verb == "GET" ? manager_->get(request) : manager_->head(request);
    QNetworkReply* reply = reply_;
    // GET: the body is dropped as it arrives, so a large page costs no memory.
    connect(reply, &QNetworkReply::readyRead, this,
            [reply] { reply->skip(reply->bytesAvailable()); });
    connect(reply, &QNetworkReply::finished, this, [this, reply] { finished(reply); });
    // The scheduler cancels at the monitor timeout; this only bounds a check run without it.
    backstop_.start(context().timeoutMs() + kBackstopMs);
}

void HttpMonitor::finished(QNetworkReply* reply) {
    const int status =
        reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt(); // 0: none
    const QString reason = reply->attribute(QNetworkRequest::HttpReasonPhraseAttribute).toString();
    const bool failed = reply->error() != QNetworkReply::NoError;
    const QString errorText = reply->errorString();
    const QString request = request_;
    dropReply();
    const QString answer = QStringLiteral("HTTP %1 %2").arg(status).arg(reason).trimmed();
    if (status >= 200 && status < 400 && !failed)
        pending_.finish(CheckResult::Normal, QStringLiteral("%1: %2").arg(request, answer));
    else if (status >= 200 && status < 400)
        pending_.finish(CheckResult::Error,
                        QStringLiteral("%1: %2, then %3").arg(request, answer, errorText));
    else if (status != 0)
        pending_.finish(CheckResult::Error, QStringLiteral("%1: %2").arg(request, answer));
    else
        pending_.finish(CheckResult::Error, QStringLiteral("%1: %2").arg(request, errorText));
}

void HttpMonitor::dropReply() {
    backstop_.stop();
    if (!reply_)
        return;
    QNetworkReply* reply = reply_;
    reply_ = nullptr;
    reply->disconnect(this);
    if (reply->isRunning())
        reply->abort(); // closes the connection
    // May run inside the reply's own finished(): delete it later.
    reply->deleteLater();
}

void HttpMonitor::cancel() {
    pending_.cancel();
    dropReply();
}

} // namespace lifeline::monitors
