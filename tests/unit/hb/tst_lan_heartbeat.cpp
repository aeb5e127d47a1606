// lanhb: set-up from the configuration, binding, sending to every peer, source attribution.

#include "HeartbeatPathFactory.h"
#include "LanHeartbeat.h"
#include "LoopbackPort.h"

#include <QSignalSpy>
#include <QTest>

using namespace lifeline;
using namespace lifeline::hb;

namespace {

config::ClusterConfig makeConfig(quint16 port) {
    config::ClusterConfig config;
    config.cluster.name = "lan";
    config.cluster.heartbeatPort = port;
    const QStringList addresses = {"127.0.0.11/8", "127.0.0.12", "127.0.0.13"};
    for (int i = 0; i < 3; ++i) {
        config::Server server;
        server.name = QStringLiteral("s%1").arg(i + 1);
        server.priority = i;
        server.devices << config::Device{0, "lan", addresses[i]};
        config.servers << server;
    }
    config.servers[2].devices[0].id = 5; // s3 is not on the path of device 0
    config.servers[0].devices << config::Device{1, "disk", "/dev/sdb1"};
    config.servers[1].devices << config::Device{2, "lan", "not-an-address"};
    config.heartbeats << config::Heartbeat{"lanhb", "lanhb1", 0, 0};
    return config;
}

std::unique_ptr<HeartbeatPath> create(const config::ClusterConfig& config,
                                      const config::Heartbeat& heartbeat, const QString& local,
                                      QString* error) {
    return HeartbeatPathFactory::create({config, heartbeat, local}, error);
}

} // namespace

class TestLanHeartbeat : public QObject {
    Q_OBJECT
private slots:
    void initTestCase() {
        port_ = freeUdpPort(
            {QHostAddress("127.0.0.11"), QHostAddress("127.0.0.12"), QHostAddress("127.0.0.99")});
        QVERIFY(port_ != 0);
    }

    void deviceAddresses() {
        QCOMPARE(LanHeartbeat::deviceAddress("10.0.0.1"), QHostAddress("10.0.0.1"));
        QCOMPARE(LanHeartbeat::deviceAddress(" 10.0.0.1/24"), QHostAddress("10.0.0.1"));
        QCOMPARE(LanHeartbeat::deviceAddress("fd00::1/64"), QHostAddress("fd00::1"));
        QVERIFY(LanHeartbeat::deviceAddress("").isNull());
        QVERIFY(LanHeartbeat::deviceAddress("eth0").isNull());
    }

    void createdFromTheConfiguration() {
        const auto config = makeConfig(port_);
        QString error;
        auto path = create(config, config.heartbeats[0], "s1", &error);
        QVERIFY2(path, qPrintable(error));
        auto* lan = qobject_cast<LanHeartbeat*>(path.get());
        QVERIFY(lan);
        QCOMPARE(lan->name(), QString("lanhb1"));
        QCOMPARE(lan->type(), QString("lanhb"));
        QCOMPARE(lan->localAddress(), QHostAddress("127.0.0.11"));
        QCOMPARE(lan->port(), port_);
        QCOMPARE(lan->peers(), QStringList{"s2"}); // s3 lacks device 0
        QCOMPARE(lan->peerAddress("s2"), QHostAddress("127.0.0.12"));
        QCOMPARE(lan->localEndpoint(), QStringLiteral("127.0.0.11:%1").arg(port_));
    }

    void setUpErrorsNameTheProblem() {
        const auto config = makeConfig(port_);
        QString error;
        QVERIFY(!create(config, config.heartbeats[0], "s3", &error));
        QVERIFY2(error.contains("lanhb1") && error.contains("s3") && error.contains("device 0"),
                 qPrintable(error));
        QVERIFY(!create(config, config.heartbeats[0], "nobody", &error));
        QVERIFY2(error.contains("not in the configuration"), qPrintable(error));
        const config::Heartbeat onDisk{"lanhb", "lanhb2", 1, 1};
        QVERIFY(!create(config, onDisk, "s1", &error));
        QVERIFY2(error.contains("not lan"), qPrintable(error));
        const config::Heartbeat badAddress{"lanhb", "lanhb3", 2, 2};
        QVERIFY(!create(config, badAddress, "s2", &error));
        QVERIFY2(error.contains("not-an-address"), qPrintable(error));
        const config::Heartbeat unsupported{"nosuchhb", "nosuchhb1", 3, 0};
        QVERIFY(!create(config, unsupported, "s1", &error));
        QVERIFY2(error.contains("not supported yet"), qPrintable(error));
        QVERIFY(HeartbeatPathFactory::supportedTypes().contains("lanhb")); // among others
    }

    void bindFailureNamesAddressAndPort() {
        QUdpSocket squatter;
        QVERIFY(squatter.bind(QHostAddress("127.0.0.11"), port_));
        LanHeartbeat path("lanhb1", QHostAddress("127.0.0.11"), port_, {});
        QVERIFY(!path.open());
        QVERIFY(!path.isOpen());
        const QString expected = QStringLiteral("lanhb1: cannot bind UDP 127.0.0.11:%1").arg(port_);
        QVERIFY2(path.errorString().startsWith(expected), qPrintable(path.errorString()));
        squatter.close();
        QVERIFY2(path.open(), qPrintable(path.errorString()));
        QVERIFY(path.errorString().isEmpty());
    }

    void sendsToEveryPeerAndAttributesSources() {
        const QHostAddress a("127.0.0.11"), b("127.0.0.12");
        LanHeartbeat pathA("lanhb1", a, port_, {{"s2", b}, {"s9", QHostAddress("127.0.0.98")}});
        LanHeartbeat pathB("lanhb1", b, port_, {{"s1", a}});
        QVERIFY(pathA.open());
        QVERIFY(pathB.open());
        QSignalSpy atB(&pathB, &HeartbeatPath::datagramReceived);
        QCOMPARE(pathA.send("hello"), 2); // s2 and s9 (nobody listens there; UDP cannot tell)
        QTRY_COMPARE_WITH_TIMEOUT(atB.count(), 1, 5000);
        QCOMPARE(atB[0][0].toByteArray(), QByteArray("hello"));
        QCOMPARE(atB[0][1].toString(), QStringLiteral("127.0.0.11:%1").arg(port_));
        QCOMPARE(atB[0][2].toString(), QString("s1"));

        QUdpSocket stranger;
        QVERIFY(stranger.bind(QHostAddress("127.0.0.99"), port_));
        stranger.writeDatagram("who", b, port_);
        QTRY_COMPARE_WITH_TIMEOUT(atB.count(), 2, 5000);
        QCOMPARE(atB[1][2].toString(), QString()); // no peer of this path

        pathB.close();
        QVERIFY(!pathB.isOpen());
        QCOMPARE(pathB.send("x"), 0);
    }

private:
    quint16 port_ = 0;
};

QTEST_GUILESS_MAIN(TestLanHeartbeat)
#include "tst_lan_heartbeat.moc"
