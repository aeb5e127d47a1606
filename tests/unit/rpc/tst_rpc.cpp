// RPC between nodes over TLS 1.3 with mutual authentication, on 127.0.0.1 with ports the
// kernel picks. Each test starts its own server and clients.

#include "ClusterKey.h"
#include "NodeCredentials.h"
#include "RpcClient.h"
#include "RpcFrameCodec.h"
#include "RpcServer.h"

#include <QElapsedTimer>
#include <QJsonArray>
#include <QSignalSpy>
#include <QSslServer>
#include <QSslSocket>
#include <QTcpServer>
#include <QTest>
#include <QTimer>
#include <QtEndian>
#include <memory>

using namespace lifeline::rpc;

namespace {

const QString kLocalhost = QStringLiteral("127.0.0.1");

// What a call's callback saw.
struct Outcome {
    int calls = 0;
    bool ok = false;
    QJsonObject result;
    QString error;
    qint64 afterMs = -1;
};
using OutcomePtr = std::shared_ptr<Outcome>;

OutcomePtr startCall(RpcClient& client, quint16 port, const QString& peer, const QString& method,
                     const QJsonObject& params = {}, int timeoutMs = 5000) {
    auto outcome = std::make_shared<Outcome>();
    auto clock = std::make_shared<QElapsedTimer>();
    clock->start();
    client.call(kLocalhost, port, peer, method, params, timeoutMs,
                [outcome, clock](bool ok, const QJsonObject& result, const QString& error) {
                    ++outcome->calls;
                    outcome->ok = ok;
                    outcome->result = result;
                    outcome->error = error;
                    outcome->afterMs = clock->elapsed();
                });
    return outcome;
}

OutcomePtr callAndWait(RpcClient& client, quint16 port, const QString& peer, const QString& method,
                       const QJsonObject& params = {}, int timeoutMs = 5000) {
    OutcomePtr outcome = startCall(client, port, peer, method, params, timeoutMs);
    (void)QTest::qWaitFor([&] { return outcome->calls > 0; }, timeoutMs + 5000);
    return outcome;
}

QString describe(const OutcomePtr& outcome) {
    return QStringLiteral("calls=%1 ok=%2 error=%3")
        .arg(outcome->calls)
        .arg(outcome->ok)
        .arg(outcome->error);
}

QByteArray frameHeader(quint32 size) {
    QByteArray bytes(4, Qt::Uninitialized);
    qToBigEndian(size, bytes.data());
    return bytes;
}

} // namespace

class TestRpc : public QObject {
    Q_OBJECT
private:
    ClusterKey alpha_;
    ClusterKey beta_;
    NodeCredentials server1_;  // alpha, the caller in most tests
    NodeCredentials server2_;  // alpha, the callee in most tests
    NodeCredentials server3_;  // alpha
    NodeCredentials intruder_; // beta: another cluster's "server1"

    std::unique_ptr<RpcServer> server_;
    int handled_ = 0;
    QStringList peers_;
    QList<RpcResponder> held_;

    // A server for server2_ with the usual methods, listening on a free port.
    quint16 startServer(const NodeCredentials& credentials) {
        server_ = std::make_unique<RpcServer>(credentials);
        server_->registerMethod(
            QStringLiteral("echo"),
            [this](const QJsonObject& params, const QString& peer, RpcResponder responder) {
                ++handled_;
                peers_ << peer;
                responder.reply({{"params", params}, {"peer", peer}});
            });
        server_->registerMethod(QStringLiteral("later"), [this](const QJsonObject& params,
                                                                const QString&,
                                                                RpcResponder responder) {
            ++handled_;
            QTimer::singleShot(params.value("ms").toInt(), Qt::PreciseTimer, [responder, params] {
                responder.reply({{"n", params.value("n")}});
            });
        });
        server_->registerMethod(QStringLiteral("never"),
                                [this](const QJsonObject&, const QString&, RpcResponder responder) {
                                    ++handled_;
                                    held_ << responder; // keeps the request open
                                });
        server_->registerMethod(QStringLiteral("forget"), [this](const QJsonObject&, const QString&,
                                                                 RpcResponder) { ++handled_; });
        server_->registerMethod(QStringLiteral("refuse"),
                                [this](const QJsonObject&, const QString&, RpcResponder responder) {
                                    ++handled_;
                                    responder.fail(QStringLiteral("group failover1 is busy"));
                                    responder.reply(); // ignored: already answered
                                });
        server_->registerMethod(QStringLiteral("huge"), [this](const QJsonObject&, const QString&,
                                                               RpcResponder responder) {
            ++handled_;
            responder.reply({{"s", QString(RpcFrameCodec::kMaxMessageBytes, 'x')}});
        });
        QString error;
        if (!server_->listen(QHostAddress(kLocalhost), 0, &error))
            qFatal("%s", qPrintable(error));
        return server_->serverPort();
    }

    // A raw TLS client (not RpcClient), to play clients RpcClient would never be.
    std::unique_ptr<QSslSocket> rawClient(const QSslConfiguration& config, quint16 port) {
        auto socket = std::make_unique<QSslSocket>();
        socket->setSslConfiguration(config);
        socket->setPeerVerifyName(QStringLiteral("server2"));
        socket->connectToHostEncrypted(kLocalhost, port);
        return socket;
    }

private slots:
    void initTestCase() {
        alpha_ = ClusterKey::generate(QStringLiteral("alpha"));
        beta_ = ClusterKey::generate(QStringLiteral("beta"));
        server1_ = NodeCredentials::issue(alpha_, QStringLiteral("server1"));
        server2_ = NodeCredentials::issue(alpha_, QStringLiteral("server2"));
        server3_ = NodeCredentials::issue(alpha_, QStringLiteral("server3"));
        intruder_ = NodeCredentials::issue(beta_, QStringLiteral("server1"));
        QVERIFY(!server1_.isNull() && !server2_.isNull() && !server3_.isNull() &&
                !intruder_.isNull());
    }

    void init() {
        handled_ = 0;
        peers_.clear();
        held_.clear();
    }

    void cleanup() {
        held_.clear();
        server_.reset();
    }

    void callBetweenTwoNodes() {
        const quint16 port = startServer(server2_);
        RpcClient client(server1_);
        const auto outcome = callAndWait(client, port, QStringLiteral("server2"),
                                         QStringLiteral("echo"), {{"group", "failover1"}});
        QVERIFY2(outcome->ok, qPrintable(describe(outcome)));
        QCOMPARE(outcome->calls, 1);
        QCOMPARE(outcome->result.value("params").toObject().value("group").toString(),
                 QStringLiteral("failover1"));
        // The handler learns who called from the client's certificate.
        QCOMPARE(peers_, QStringList{QStringLiteral("server1")});
        QCOMPARE(outcome->result.value("peer").toString(), QStringLiteral("server1"));

        // A second call reuses the connection.
        const auto second =
            callAndWait(client, port, QStringLiteral("server2"), QStringLiteral("echo"));
        QVERIFY2(second->ok, qPrintable(describe(second)));
        QCOMPARE(client.connectionCount(), 1);
        QCOMPARE(server_->connectionCount(), 1);
    }

    void bothEndsNegotiateTls13() {
        const quint16 port = startServer(server2_);
        RpcClient client(server1_);
        QSignalSpy serverSide(server_.get(), &RpcServer::peerConnected);
        QSignalSpy clientSide(&client, &RpcClient::peerConnected);
        const auto outcome =
            callAndWait(client, port, QStringLiteral("server2"), QStringLiteral("echo"));
        QVERIFY2(outcome->ok, qPrintable(describe(outcome)));
        QCOMPARE(serverSide.size(), 1);
        QCOMPARE(serverSide[0][0].toString(), QStringLiteral("server1"));
        QCOMPARE(serverSide[0][2].value<QSsl::SslProtocol>(), QSsl::TlsV1_3);
        QCOMPARE(clientSide.size(), 1);
        QCOMPARE(clientSide[0][0].toString(), QStringLiteral("server2"));
        QCOMPARE(clientSide[0][3].value<QSsl::SslProtocol>(), QSsl::TlsV1_3);
    }

    void clientOfAnotherClusterIsRejected() {
        const quint16 port = startServer(server2_);
        QSignalSpy rejected(server_.get(), &RpcServer::peerRejected);
        RpcClient client(intruder_);
        const auto outcome =
            callAndWait(client, port, QStringLiteral("server2"), QStringLiteral("echo"));
        QVERIFY(!outcome->ok);
        QCOMPARE(outcome->calls, 1);
        QCOMPARE(outcome->error,
                 QStringLiteral("server2 (127.0.0.1:%1): TLS handshake failed: the server's "
                                "certificate is not from this cluster's CA but from \"Lifeline "
                                "cluster alpha CA\" (another cluster, or a different clp.key)")
                     .arg(port));
        QTRY_VERIFY_WITH_TIMEOUT(!rejected.isEmpty(), 5000);
        QCOMPARE(handled_, 0);
    }

    void clientWithAnotherClustersCertificateIsRejected() {
        // Even a client that trusts this cluster's CA (it is no secret) gets nowhere with a
        // certificate from another cluster.
        const quint16 port = startServer(server2_);
        QSignalSpy rejected(server_.get(), &RpcServer::peerRejected);
        QSslConfiguration config = intruder_.sslConfiguration();
        config.setCaCertificates({alpha_.caCertificate()});
        auto socket = rawClient(config, port);
        QVERIFY(
            QTest::qWaitFor([&] { return socket->isEncrypted() || !rejected.isEmpty(); }, 5000));
        // TLS 1.3: the client may think it is done before the server has judged it.
        socket->write(RpcFrameCodec::encode({{"id", 1}, {"method", "echo"}}, nullptr));
        QTRY_COMPARE_WITH_TIMEOUT(socket->state(), QAbstractSocket::UnconnectedState, 5000);
        QCOMPARE(rejected.size(), 1);
        QCOMPARE(rejected[0][1].toString(),
                 QStringLiteral("the client's certificate is not from this cluster's CA but from "
                                "\"Lifeline cluster beta CA\" (another cluster, or a different "
                                "clp.key)"));
        QTest::qWait(100);
        QCOMPARE(handled_, 0);
        QCOMPARE(server_->connectionCount(), 0);
    }

    void clientWithoutCertificateIsRejected() {
        const quint16 port = startServer(server2_);
        QSignalSpy rejected(server_.get(), &RpcServer::peerRejected);
        QSslConfiguration config = QSslConfiguration::defaultConfiguration();
        config.setProtocol(QSsl::TlsV1_3OrLater);
        config.setCaCertificates({alpha_.caCertificate()});
        auto socket = rawClient(config, port);
        QVERIFY(
            QTest::qWaitFor([&] { return socket->isEncrypted() || !rejected.isEmpty(); }, 5000));
        socket->write(RpcFrameCodec::encode({{"id", 1}, {"method", "echo"}}, nullptr));
        QTRY_COMPARE_WITH_TIMEOUT(socket->state(), QAbstractSocket::UnconnectedState, 5000);
        QCOMPARE(rejected.size(), 1);
        QVERIFY2(rejected[0][1].toString().startsWith(
                     QStringLiteral("the client presented no certificate")),
                 qPrintable(rejected[0][1].toString()));
        QTest::qWait(100);
        QCOMPARE(handled_, 0);
    }

    void serverWithTheWrongNameIsRefused() {
        const quint16 port = startServer(server3_); // a cluster member, but not server2
        RpcClient client(server1_);
        const auto outcome =
            callAndWait(client, port, QStringLiteral("server2"), QStringLiteral("echo"));
        QVERIFY(!outcome->ok);
        QCOMPARE(outcome->error,
                 QStringLiteral("server2 (127.0.0.1:%1): TLS handshake failed: the server's "
                                "certificate is for \"server3\", not \"server2\"")
                     .arg(port));
        QTest::qWait(100);
        QCOMPARE(handled_, 0);
    }

    void serverNamesAreExact() {
        // Qt's host name check ignores case; a server name is compared exactly.
        const quint16 port = startServer(server2_);
        RpcClient client(server1_);
        const auto outcome =
            callAndWait(client, port, QStringLiteral("SERVER2"), QStringLiteral("echo"));
        QVERIFY(!outcome->ok);
        QCOMPARE(outcome->error,
                 QStringLiteral("SERVER2 (127.0.0.1:%1): TLS handshake failed: the server's "
                                "certificate is for \"server2\", not \"SERVER2\"")
                     .arg(port));
        QCOMPARE(handled_, 0);
    }

    void serverNamesNeedNotBeHostNames() {
        // clp.conf server names are matched as they are, even where DNS would object.
        const NodeCredentials odd = NodeCredentials::issue(alpha_, QStringLiteral("Node_A1"));
        const quint16 port = startServer(odd);
        RpcClient client(server1_);
        const auto outcome =
            callAndWait(client, port, QStringLiteral("Node_A1"), QStringLiteral("echo"));
        QVERIFY2(outcome->ok, qPrintable(describe(outcome)));
    }

    void serverRefusingOurCertificateAfterTheHandshake() {
        // In TLS 1.3 the client has finished its handshake before the server judges the
        // client's certificate (as when ours has expired): the refusal comes on the first read.
        QSslServer strict;
        QSslConfiguration config = server2_.sslConfiguration();
        config.setCaCertificates({beta_.caCertificate()}); // trusts no alpha client
        strict.setSslConfiguration(config);
        QVERIFY(strict.listen(QHostAddress(kLocalhost), 0));
        RpcClient client(server1_);
        const auto outcome = callAndWait(client, strict.serverPort(), QStringLiteral("server2"),
                                         QStringLiteral("echo"));
        QCOMPARE(outcome->calls, 1);
        QCOMPARE(outcome->error, QStringLiteral("server2 (127.0.0.1:%1): TLS handshake failed: "
                                                "the server refused this node's certificate "
                                                "(unknown CA)")
                                     .arg(strict.serverPort()));
    }

    void closedPortFailsFast() {
        QTcpServer probe;
        QVERIFY(probe.listen(QHostAddress(kLocalhost), 0));
        const quint16 port = probe.serverPort();
        probe.close();
        RpcClient client(server1_);
        const auto outcome =
            callAndWait(client, port, QStringLiteral("server2"), QStringLiteral("echo"), {}, 10000);
        QCOMPARE(outcome->calls, 1);
        QCOMPARE(outcome->error,
                 QStringLiteral("server2 (127.0.0.1:%1): connection refused").arg(port));
        QVERIFY2(outcome->afterMs < 2000, qPrintable(QString::number(outcome->afterMs)));
    }

    void handlerThatNeverAnswersTimesOutOnce() {
        const quint16 port = startServer(server2_);
        RpcClient client(server1_);
        const auto outcome =
            startCall(client, port, QStringLiteral("server2"), QStringLiteral("never"), {}, 300);
        QTRY_COMPARE_WITH_TIMEOUT(outcome->calls, 1, 5000);
        QCOMPARE(outcome->error,
                 QStringLiteral("server2 (127.0.0.1:%1): timed out after 300 ms").arg(port));
        QVERIFY2(outcome->afterMs >= 300, qPrintable(QString::number(outcome->afterMs)));
        QCOMPARE(handled_, 1);
        // A late answer is ignored; the callback ran exactly once.
        QCOMPARE(held_.size(), 1);
        held_.first().reply({{"late", true}});
        QTest::qWait(300);
        QCOMPARE(outcome->calls, 1);
        QVERIFY(!outcome->ok);
        // The timed-out connection is not reused; the next call works on a fresh one.
        const auto next =
            callAndWait(client, port, QStringLiteral("server2"), QStringLiteral("echo"));
        QVERIFY2(next->ok, qPrintable(describe(next)));
    }

    void everyCallHasItsOwnDeadline() {
        const quint16 port = startServer(server2_);
        RpcClient client(server1_);
        const auto shortCall =
            startCall(client, port, QStringLiteral("server2"), QStringLiteral("never"), {}, 200);
        const auto longCall =
            startCall(client, port, QStringLiteral("server2"), QStringLiteral("never"), {}, 600);
        const auto answered = startCall(client, port, QStringLiteral("server2"),
                                        QStringLiteral("later"), {{"ms", 900}, {"n", 1}}, 5000);
        QTRY_COMPARE_WITH_TIMEOUT(longCall->calls, 1, 5000);
        QCOMPARE(shortCall->calls, 1);
        QVERIFY2(shortCall->error.endsWith(QStringLiteral("timed out after 200 ms")),
                 qPrintable(shortCall->error));
        QVERIFY2(longCall->error.endsWith(QStringLiteral("timed out after 600 ms")),
                 qPrintable(longCall->error));
        QVERIFY2(longCall->afterMs >= 600 && longCall->afterMs < 850,
                 qPrintable(QString::number(longCall->afterMs)));
        // A call on a connection retired by another call's timeout still gets its answer.
        QTRY_COMPARE_WITH_TIMEOUT(answered->calls, 1, 5000);
        QVERIFY2(answered->ok, qPrintable(describe(answered)));
        QTest::qWait(100);
        QCOMPARE(shortCall->calls, 1);
        QCOMPARE(longCall->calls, 1);
    }

    void asyncHandlerAnswersLater() {
        const quint16 port = startServer(server2_);
        RpcClient client(server1_);
        const auto outcome = callAndWait(client, port, QStringLiteral("server2"),
                                         QStringLiteral("later"), {{"ms", 200}, {"n", 7}});
        QVERIFY2(outcome->ok, qPrintable(describe(outcome)));
        QCOMPARE(outcome->result.value("n").toInt(), 7);
        QVERIFY2(outcome->afterMs >= 200, qPrintable(QString::number(outcome->afterMs)));
    }

    void failuresAndDroppedRequestsAreAnswered() {
        const quint16 port = startServer(server2_);
        RpcClient client(server1_);
        const QString prefix = QStringLiteral("server2 (127.0.0.1:%1): ").arg(port);
        const auto refused =
            callAndWait(client, port, QStringLiteral("server2"), QStringLiteral("refuse"));
        QCOMPARE(refused->error, prefix + QStringLiteral("group failover1 is busy"));
        const auto unknown =
            callAndWait(client, port, QStringLiteral("server2"), QStringLiteral("nosuch"));
        QCOMPARE(unknown->error, prefix + QStringLiteral("unknown method \"nosuch\""));
        // A handler that lets go of its responder does not leave the caller waiting.
        const auto forgotten = callAndWait(client, port, QStringLiteral("server2"),
                                           QStringLiteral("forget"), {}, 5000);
        QCOMPARE(forgotten->error,
                 prefix + QStringLiteral("method \"forget\" dropped the request without "
                                         "answering"));
        QVERIFY2(forgotten->afterMs < 2000, qPrintable(QString::number(forgotten->afterMs)));
    }

    // A certificate of the cluster key is not enough: the caller check (servers of the running
    // configuration) refuses before any handler runs.
    void callerCheckRefusesBeforeTheHandler() {
        const quint16 port = startServer(server2_);
        server_->setCallerCheck([](const QString& peer) { return peer == QLatin1String("server3"); });
        RpcClient removed(server1_);
        const auto refused = callAndWait(removed, port, QStringLiteral("server2"), QStringLiteral("echo"));
        QVERIFY(!refused->ok);
        QCOMPARE(refused->error, QStringLiteral("server2 (127.0.0.1:%1): server1 is not a server of "
                                                "this cluster's configuration").arg(port));
        QCOMPARE(handled_, 0);
        RpcClient member(server3_);
        const auto allowed = callAndWait(member, port, QStringLiteral("server2"), QStringLiteral("echo"));
        QVERIFY2(allowed->ok, qPrintable(describe(allowed)));
        QCOMPARE(handled_, 1);
    }

    void oversizedMessagesAreRefused() {
        const quint16 port = startServer(server2_);
        RpcClient client(server1_);
        // The client does not send a request over 4 MiB.
        const auto tooBig =
            callAndWait(client, port, QStringLiteral("server2"), QStringLiteral("echo"),
                        {{"blob", QString(RpcFrameCodec::kMaxMessageBytes, 'x')}});
        QVERIFY(!tooBig->ok);
        QVERIFY2(tooBig->error.contains(QStringLiteral("request not sent: a message of")) &&
                     tooBig->error.contains(QStringLiteral("exceeds the limit of 4194304 bytes")),
                 qPrintable(tooBig->error));
        QCOMPARE(handled_, 0);

        // The server does not send an answer over 4 MiB; it says so instead.
        const auto hugeAnswer =
            callAndWait(client, port, QStringLiteral("server2"), QStringLiteral("huge"));
        QVERIFY(!hugeAnswer->ok);
        QVERIFY2(hugeAnswer->error.contains(QStringLiteral("the answer is too large")),
                 qPrintable(hugeAnswer->error));

        // A member that announces 4 MiB + 1 is cut off before it sends the body.
        auto socket = rawClient(server1_.sslConfiguration(), port);
        QTRY_VERIFY_WITH_TIMEOUT(socket->isEncrypted(), 5000);
        const int before = handled_;
        socket->write(frameHeader(RpcFrameCodec::kMaxMessageBytes + 1));
        QTest::ignoreMessage(QtWarningMsg,
                             QRegularExpression(QStringLiteral(
                                 "closing the connection from server1 .*: a message of 4194305 "
                                 "bytes exceeds the limit")));
        QTRY_COMPARE_WITH_TIMEOUT(socket->state(), QAbstractSocket::UnconnectedState, 5000);
        QCOMPARE(handled_, before);
    }

    void requestMustComeFromItsCertificate() {
        const quint16 port = startServer(server2_);
        auto socket = rawClient(server1_.sslConfiguration(), port);
        QTRY_VERIFY_WITH_TIMEOUT(socket->isEncrypted(), 5000);
        socket->write(RpcFrameCodec::encode(
            {{"id", 5}, {"method", "echo"}, {"params", QJsonObject()}, {"from", "server3"}},
            nullptr));
        RpcFrameCodec codec;
        QJsonObject response;
        auto received = [&] {
            codec.append(socket->readAll());
            return !response.isEmpty() ||
                   codec.next(&response, nullptr) == RpcFrameCodec::Result::Message;
        };
        QTRY_VERIFY_WITH_TIMEOUT(received(), 5000);
        QCOMPARE(response.value("id").toInt(), 5);
        QCOMPARE(response.value("ok").toBool(), false);
        QCOMPARE(response.value("error").toString(),
                 QStringLiteral("the request says it is from \"server3\" but the caller's "
                                "certificate is for \"server1\""));
        QCOMPARE(handled_, 0);
    }

    void severalConcurrentCalls() {
        const quint16 port = startServer(server2_);
        RpcClient client1(server1_);
        RpcClient client3(server3_);
        QList<OutcomePtr> outcomes;
        for (int n = 0; n < 40; ++n) {
            RpcClient& client = n % 2 ? client1 : client3;
            // Later calls are answered sooner: answers come back out of order.
            outcomes << startCall(client, port, QStringLiteral("server2"), QStringLiteral("later"),
                                  {{"ms", 200 - 5 * n}, {"n", n}});
        }
        outcomes << startCall(client1, port, QStringLiteral("server2"), QStringLiteral("echo"));
        QTRY_VERIFY_WITH_TIMEOUT(std::all_of(outcomes.begin(), outcomes.end(),
                                             [](const OutcomePtr& o) { return o->calls > 0; }),
                                 10000);
        for (int n = 0; n < 40; ++n) {
            QVERIFY2(outcomes[n]->ok, qPrintable(describe(outcomes[n])));
            QCOMPARE(outcomes[n]->calls, 1);
            QCOMPARE(outcomes[n]->result.value("n").toInt(), n);
        }
        QVERIFY(outcomes.last()->ok);
        QCOMPARE(client1.connectionCount(), 1);
        QCOMPARE(client3.connectionCount(), 1);
        QCOMPARE(server_->connectionCount(), 2);
    }

    void idleConnectionsDoNotStallTheServer() {
        // Anyone who reaches the port can open TCP connections and say nothing.
        const quint16 port = startServer(server2_);
        std::vector<std::unique_ptr<QTcpSocket>> idle;
        for (int i = 0; i < 40; ++i) {
            idle.push_back(std::make_unique<QTcpSocket>());
            idle.back()->connectToHost(kLocalhost, port);
        }
        QTRY_VERIFY_WITH_TIMEOUT(std::all_of(idle.begin(), idle.end(),
                                             [](const auto& s) {
                                                 return s->state() ==
                                                        QAbstractSocket::ConnectedState;
                                             }),
                                 5000);
        QTest::qWait(50); // let the server accept them all
        RpcClient client(server1_);
        const auto outcome =
            callAndWait(client, port, QStringLiteral("server2"), QStringLiteral("echo"), {}, 2000);
        QVERIFY2(outcome->ok, qPrintable(describe(outcome)));
    }

    void serverGoingAwayFailsCallsInFlight() {
        const quint16 port = startServer(server2_);
        RpcClient client(server1_);
        const auto outcome =
            startCall(client, port, QStringLiteral("server2"), QStringLiteral("never"), {}, 5000);
        QTRY_COMPARE_WITH_TIMEOUT(handled_, 1, 5000);
        server_->close();
        QTRY_COMPARE_WITH_TIMEOUT(outcome->calls, 1, 5000);
        QVERIFY2(outcome->error.startsWith(QStringLiteral("server2 (127.0.0.1:%1): ").arg(port)),
                 qPrintable(outcome->error));
        QVERIFY2(outcome->afterMs < 2000, qPrintable(describe(outcome)));
        QTest::qWait(100);
        QCOMPARE(outcome->calls, 1);
    }

    void badArgumentsFailWithoutCallingOut() {
        RpcClient client(server1_);
        bool inside = true;
        int calls = 0;
        QString error;
        client.call(kLocalhost, 29001, QString(), QStringLiteral("echo"), {}, 1000,
                    [&](bool, const QJsonObject&, const QString& e) {
                        QVERIFY(!inside); // never from inside call()
                        ++calls;
                        error = e;
                    });
        inside = false;
        QTRY_COMPARE(calls, 1);
        QVERIFY2(error.contains(QStringLiteral("are all required")), qPrintable(error));
    }
};

QTEST_GUILESS_MAIN(TestRpc)
#include "tst_rpc.moc"
