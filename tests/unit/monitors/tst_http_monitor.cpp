// httpw against a local server on 127.0.0.1 (ephemeral port): answers, status
// codes, closed and silent connections, refused connections, HTTPS with a
// certificate no client would trust.
#include "ClusterKey.h"
#include "HttpMonitor.h"
#include "MonitorTestUtil.h"
#include "NodeCredentials.h"

#include <QSslKey>
#include <QSslSocket>
#include <QTcpServer>
#include <QTcpSocket>
#include <QtTest>

#include <memory>

using namespace lifeline;
using namespace lifeline::monitors;
using CR = CheckResult;

namespace {

// A tiny HTTP/1.1 server: records each request line and answers as told.
class TestServer : public QTcpServer {
public:
    enum class Mode {
        Answer,      // `status` with Connection: close (a body for GET)
        Close,       // reads the request, closes without a word
        Silent,      // reads the request, never answers
        AnswerAtOnce // answers `status` to the first bytes, whatever they are (not TLS)
    };
    explicit TestServer(Mode mode_ = Mode::Answer) : mode(mode_) {
        port = QTcpServer::listen(QHostAddress::LocalHost, 0) ? serverPort() : 0;
    }

    Mode mode;
    quint16 port = 0; // 0: could not listen
    QByteArray status = "200 OK";
    rpc::NodeCredentials tls;   // not null: serve HTTPS with it
    QList<QByteArray> requests; // "GET /x HTTP/1.1"
    QList<bool> encrypted;      // per request: arrived over TLS
    int disconnections = 0;

protected:
    void incomingConnection(qintptr descriptor) override {
        QTcpSocket* socket = nullptr;
        if (!tls.isNull()) {
            auto* ssl = new QSslSocket(this);
            ssl->setSocketDescriptor(descriptor);
            ssl->setLocalCertificate(tls.certificate());
            ssl->setPrivateKey(tls.privateKey());
            ssl->setPeerVerifyMode(QSslSocket::VerifyNone);
            ssl->startServerEncryption();
            socket = ssl;
        } else {
            socket = new QTcpSocket(this);
            socket->setSocketDescriptor(descriptor);
        }
        auto buffer = std::make_shared<QByteArray>();
        connect(socket, &QTcpSocket::readyRead, this, [this, socket, buffer] {
            buffer->append(socket->readAll());
            if (mode == Mode::AnswerAtOnce) {
                socket->write("HTTP/1.1 " + status +
                              "\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
                socket->disconnectFromHost();
                return;
            }
            if (!buffer->contains("\r\n\r\n"))
                return;
            const QByteArray line = buffer->left(buffer->indexOf("\r\n"));
            buffer->clear();
            requests << line;
            encrypted << bool(qobject_cast<QSslSocket*>(socket));
            if (mode == Mode::Close) {
                socket->disconnectFromHost();
            } else if (mode == Mode::Answer) {
                const QByteArray body = "lifeline\n";
                socket->write("HTTP/1.1 " + status +
                              "\r\nContent-Length: " + QByteArray::number(body.size()) +
                              "\r\nLocation: /elsewhere\r\nConnection: close\r\n\r\n");
                if (line.startsWith("GET "))
                    socket->write(body);
                socket->disconnectFromHost();
            }
        });
        connect(socket, &QTcpSocket::disconnected, this, [this, socket] {
            ++disconnections;
            socket->deleteLater();
        });
    }
};

MonitorContext httpwContext(quint16 port, QMap<QString, QString> parameters = {}) {
    auto context = testutil::monitorContext(QStringLiteral("httpw"), QStringLiteral("httpw1"));
    context.monitor.timeoutMs = 5000;
    if (!parameters.contains(QStringLiteral("port")))
        parameters.insert(QStringLiteral("port"), QString::number(port));
    for (auto it = parameters.begin(); it != parameters.end(); ++it)
        context.monitor.parameters.insert(it.key(), it.value());
    return context;
}

// One check by a fresh driver (once: COMPARE_RESULT reads its argument several times).
testutil::CheckOutcome checkOnce(quint16 port, const QMap<QString, QString>& parameters = {}) {
    HttpMonitor driver(httpwContext(port, parameters));
    return testutil::runCheck(driver);
}

} // namespace

class TstHttpMonitor : public QObject {
    Q_OBJECT
private slots:
    void registered();
    void urlFromParameters();
    void badParametersAreErrors();
    void statusCodes_data();
    void statusCodes();
    void headByDefaultGetWhenAsked();
    void uriIsSentAsGiven();
    void closedConnectionIsError();
    void silentServerIsCancelled();
    void silentServerHitsTheBackstop();
    void destroyedDuringACheck();
    void refusedConnectionIsError();
    void httpsDoesNotVerifyTheCertificate();
    void httpsToAPlainServerIsTlsError();
};

void TstHttpMonitor::registered() {
    QString error;
    auto driver = createMonitorDriver(httpwContext(80), &error);
    QVERIFY2(driver, qPrintable(error));
    QVERIFY(qobject_cast<HttpMonitor*>(driver.get()));
}

void TstHttpMonitor::urlFromParameters() {
    QString error;
    auto context = testutil::monitorContext(QStringLiteral("httpw"), QStringLiteral("httpw1"));
    HttpMonitor defaults(context);
    QCOMPARE(defaults.url(&error).toString(), QStringLiteral("http://127.0.0.1:80/"));
    QCOMPARE(defaults.method(), QByteArray("HEAD"));
    // Empty elements take the defaults too.
    context.monitor.parameters.insert(QStringLiteral("uri"), QString());
    QCOMPARE(HttpMonitor(context).url(&error).toString(), QStringLiteral("http://127.0.0.1:80/"));
    context.monitor.parameters.insert(QStringLiteral("ipaddress"), QStringLiteral("::1"));
    context.monitor.parameters.insert(QStringLiteral("port"), QStringLiteral("8443"));
    context.monitor.parameters.insert(QStringLiteral("protocol"), QStringLiteral("HTTPS"));
    context.monitor.parameters.insert(QStringLiteral("uri"), QStringLiteral("/a/b.html?x=1&y=%20"));
    QCOMPARE(HttpMonitor(context).url(&error).toString(QUrl::FullyEncoded),
             QStringLiteral("https://[::1]:8443/a/b.html?x=1&y=%20"));
}

void TstHttpMonitor::badParametersAreErrors() {
    const QList<QPair<QString, QString>> bad{{"ipaddress", "www.example"}, {"port", "70000"},
                                             {"protocol", "FTP"},          {"uri", "index.html"},
                                             {"uri", "//elsewhere/"},      {"requesttype", "POST"}};
    for (const auto& [key, value] : bad) {
        const auto outcome = checkOnce(80, {{key, value}});
        COMPARE_RESULT(outcome, CR::Error);
        QVERIFY2(outcome.detail.contains(QStringLiteral("parameters/") + key),
                 qPrintable(outcome.detail));
    }
}

void TstHttpMonitor::statusCodes_data() {
    QTest::addColumn<QByteArray>("status");
    QTest::addColumn<CheckResult>("expected");
    QTest::newRow("200") << QByteArray("200 OK") << CR::Normal;
    QTest::newRow("204") << QByteArray("204 No Content") << CR::Normal;
    QTest::newRow("301 is not followed") << QByteArray("301 Moved Permanently") << CR::Normal;
    QTest::newRow("401") << QByteArray("401 Unauthorized") << CR::Error;
    QTest::newRow("404") << QByteArray("404 Not Found") << CR::Error;
    QTest::newRow("500") << QByteArray("500 Internal Server Error") << CR::Error;
    QTest::newRow("503") << QByteArray("503 Service Unavailable") << CR::Error;
}

void TstHttpMonitor::statusCodes() {
    QFETCH(QByteArray, status);
    QFETCH(CheckResult, expected);
    TestServer server;
    server.status = status;
    const quint16 port = server.port;
    QVERIFY(port);
    const auto outcome = checkOnce(port);
    COMPARE_RESULT(outcome, expected);
    QCOMPARE(outcome.reports, 1);
    // The detail names the request and the answer.
    QVERIFY2(outcome.detail.contains(QStringLiteral("HEAD http://127.0.0.1:%1/").arg(port)),
             qPrintable(outcome.detail));
    QVERIFY2(outcome.detail.contains(QStringLiteral("HTTP ") + QString::fromLatin1(status)),
             qPrintable(outcome.detail));
    QCOMPARE(server.requests.size(), 1); // a redirect is not followed
}

void TstHttpMonitor::headByDefaultGetWhenAsked() {
    TestServer server;
    const quint16 port = server.port;
    QVERIFY(port);
    const auto first = checkOnce(port);
    COMPARE_RESULT(first, CR::Normal);
    const auto outcome = checkOnce(port, {{"requesttype", "GET"}});
    COMPARE_RESULT(outcome, CR::Normal);
    QCOMPARE(server.requests, (QList<QByteArray>{"HEAD / HTTP/1.1", "GET / HTTP/1.1"}));
    // Each check had its own connection, and it is closed.
    QTRY_COMPARE_WITH_TIMEOUT(server.disconnections, 2, 2000);
}

void TstHttpMonitor::uriIsSentAsGiven() {
    TestServer server;
    const quint16 port = server.port;
    QVERIFY(port);
    const auto outcome =
        checkOnce(port, {{"uri", "/health/check.html?deep=1"}, {"requesttype", "GET"}});
    COMPARE_RESULT(outcome, CR::Normal);
    QCOMPARE(server.requests, QList<QByteArray>{"GET /health/check.html?deep=1 HTTP/1.1"});
}

void TstHttpMonitor::closedConnectionIsError() {
    TestServer server(TestServer::Mode::Close);
    const quint16 port = server.port;
    QVERIFY(port);
    const auto outcome = checkOnce(port);
    COMPARE_RESULT(outcome, CR::Error);
    QVERIFY2(outcome.detail.contains(QStringLiteral("closed"), Qt::CaseInsensitive),
             qPrintable(outcome.detail));
    QVERIFY(!server.requests.isEmpty());
}

// The scheduler cancels a check at the monitor timeout: no report afterwards,
// and the connection is closed.
void TstHttpMonitor::silentServerIsCancelled() {
    TestServer server(TestServer::Mode::Silent);
    const quint16 port = server.port;
    QVERIFY(port);
    HttpMonitor driver(httpwContext(port));
    int reports = 0;
    driver.check([&reports](CheckResult, const QString&) { ++reports; });
    QTRY_COMPARE_WITH_TIMEOUT(server.requests.size(), 1, 2000);
    QTest::qWait(200); // the "monitor timeout" of this test
    QCOMPARE(reports, 0);
    driver.cancel();
    QTRY_COMPARE_WITH_TIMEOUT(server.disconnections, 1, 2000);
    QTest::qWait(100);
    QCOMPARE(reports, 0);
    // The driver is usable again after a cancel.
    server.mode = TestServer::Mode::Answer;
    const auto next = testutil::runCheck(driver);
    COMPARE_RESULT(next, CR::Normal);
}

// Without a scheduler, the driver's own limit ends the check.
void TstHttpMonitor::silentServerHitsTheBackstop() {
    TestServer server(TestServer::Mode::Silent);
    const quint16 port = server.port;
    QVERIFY(port);
    auto context = httpwContext(port);
    context.monitor.timeoutMs = 100;
    HttpMonitor driver(context);
    const auto outcome = testutil::runCheck(driver, 5000);
    COMPARE_RESULT(outcome, CR::Error);
    QVERIFY2(outcome.detail.contains(
                 QStringLiteral("no answer within %1 ms").arg(100 + HttpMonitor::kBackstopMs)),
             qPrintable(outcome.detail));
    QTRY_COMPARE_WITH_TIMEOUT(server.disconnections, 1, 2000);
}

// The monitor stops (lifelined shuts down) with a request in flight.
void TstHttpMonitor::destroyedDuringACheck() {
    TestServer server(TestServer::Mode::Silent);
    QVERIFY(server.port);
    int reports = 0;
    {
        HttpMonitor driver(httpwContext(server.port));
        driver.check([&reports](CheckResult, const QString&) { ++reports; });
        QTRY_COMPARE_WITH_TIMEOUT(server.requests.size(), 1, 2000);
    }
    QTRY_COMPARE_WITH_TIMEOUT(server.disconnections, 1, 2000);
    QCOMPARE(reports, 0);
}

void TstHttpMonitor::refusedConnectionIsError() {
    quint16 port = 0;
    {
        TestServer closed;
        port = closed.port; // a port that was free a moment ago, now closed
    }
    QVERIFY(port);
    const auto outcome = checkOnce(port);
    COMPARE_RESULT(outcome, CR::Error);
    QVERIFY2(outcome.detail.contains(QStringLiteral("refused"), Qt::CaseInsensitive),
             qPrintable(outcome.detail));
}

// The certificate is signed by a private CA and names "server1", not 127.0.0.1:
// a verifying client would refuse it twice over.
void TstHttpMonitor::httpsDoesNotVerifyTheCertificate() {
    if (!QSslSocket::supportsSsl())
        QSKIP("no TLS backend");
    TestServer server;
    QString error;
    server.tls = rpc::NodeCredentials::issue(
        rpc::ClusterKey::generate(QStringLiteral("httpw-test")), QStringLiteral("server1"), &error);
    QVERIFY2(!server.tls.isNull(), qPrintable(error));
    const quint16 port = server.port;
    QVERIFY(port);
    const auto outcome = checkOnce(port, {{"protocol", "HTTPS"}, {"uri", "/secure"}});
    COMPARE_RESULT(outcome, CR::Normal);
    QVERIFY2(outcome.detail.startsWith(QStringLiteral("HEAD https://")),
             qPrintable(outcome.detail));
    QCOMPARE(server.requests, QList<QByteArray>{"HEAD /secure HTTP/1.1"});
    QCOMPARE(server.encrypted, QList<bool>{true});
}

void TstHttpMonitor::httpsToAPlainServerIsTlsError() {
    if (!QSslSocket::supportsSsl())
        QSKIP("no TLS backend");
    TestServer server(TestServer::Mode::AnswerAtOnce); // answers the ClientHello in plain text
    const quint16 port = server.port;
    QVERIFY(port);
    const auto outcome = checkOnce(port, {{"protocol", "HTTPS"}});
    COMPARE_RESULT(outcome, CR::Error);
    QVERIFY2(outcome.detail.contains(QStringLiteral("SSL"), Qt::CaseInsensitive) ||
                 outcome.detail.contains(QStringLiteral("TLS"), Qt::CaseInsensitive),
             qPrintable(outcome.detail));
}

QTEST_GUILESS_MAIN(TstHttpMonitor)
#include "tst_http_monitor.moc"
