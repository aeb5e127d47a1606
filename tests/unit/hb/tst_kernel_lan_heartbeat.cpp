// lankhb: set-up from the configuration, listening, who dials, datagrams both ways on one TCP
// connection, the kernel's answers of a peer process stopped with SIGSTOP (a forked child),
// what is written to such a peer, and, with a heartbeat manager, that only a connection that
// carried an accepted packet keeps the peer alive. Loopback addresses 127.0.0.5x/6x.

#include "HeartbeatManager.h"
#include "HeartbeatPacket.h"
#include "HeartbeatPathFactory.h"
#include "KernelLanHeartbeat.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QSignalSpy>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTest>

#include <arpa/inet.h>
#include <csignal>
#include <functional>
#include <netinet/in.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

using namespace lifeline;
using namespace lifeline::hb;
using namespace std::chrono_literals;

namespace {

constexpr int kWaitMs = 5000;
const KernelLanHeartbeat::Timing kTiming{100ms, 1000ms};

// A TCP port free on every one of `addresses`, chosen from the process id (parallel runs).
quint16 freeTcpPort(const QList<QHostAddress>& addresses) {
    const int start = int((QCoreApplication::applicationPid() * 7919) % 12000);
    for (int attempt = 0; attempt < 500; ++attempt) {
        const auto port = quint16(20000 + (start + attempt * 61) % 12000);
        std::vector<std::unique_ptr<QTcpServer>> held;
        for (const auto& address : addresses) {
            auto server = std::make_unique<QTcpServer>();
            if (!server->listen(address, port))
                break;
            held.push_back(std::move(server));
        }
        if (held.size() == size_t(addresses.size()))
            return port;
    }
    return 0;
}

QByteArray frame(const QByteArray& payload) {
    return QByteArray(1, char(payload.size() >> 8)) + char(payload.size() & 0xff) + payload;
}

// A peer process that dials `to` from `from`, writes `bytes` and stops itself (SIGSTOP): its
// kernel keeps the connection, its process reads and writes nothing. Killed by the destructor.
class StoppedPeer {
public:
    StoppedPeer(const char* from, const char* to, quint16 port, const QByteArray& bytes) {
        sockaddr_in local{}, remote{};
        local.sin_family = remote.sin_family = AF_INET;
        remote.sin_port = htons(port);
        ::inet_pton(AF_INET, from, &local.sin_addr);
        ::inet_pton(AF_INET, to, &remote.sin_addr);
        const char* data = bytes.constData();
        const size_t size = size_t(bytes.size());
        pid_ = ::fork();
        if (pid_ == 0) { // only async-signal-safe calls from here
            ::prctl(PR_SET_PDEATHSIG, SIGKILL);
            const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
            if (fd < 0 || ::bind(fd, reinterpret_cast<sockaddr*>(&local), sizeof local) != 0 ||
                ::connect(fd, reinterpret_cast<sockaddr*>(&remote), sizeof remote) != 0)
                ::_exit(2);
            if (::write(fd, data, size) != ssize_t(size))
                ::_exit(3);
            ::raise(SIGSTOP);
            ::_exit(0);
        }
        int status = 0;
        stopped_ = pid_ > 0 && ::waitpid(pid_, &status, WUNTRACED) == pid_ && WIFSTOPPED(status);
        if (pid_ > 0 && !stopped_)
            pid_ = -1; // it exited: nothing to kill
    }
    ~StoppedPeer() { kill(); }
    bool stopped() const { return stopped_; }
    void kill() {
        if (pid_ <= 0)
            return;
        ::kill(pid_, SIGKILL);
        ::waitpid(pid_, nullptr, 0);
        pid_ = -1;
    }

private:
    pid_t pid_ = -1;
    bool stopped_ = false;
};

config::ClusterConfig makeConfig(quint16 port) {
    config::ClusterConfig config;
    config.cluster.name = "khb";
    config.cluster.heartbeatIntervalMs = 100;
    config.cluster.heartbeatTimeoutMs = 1000;
    config.cluster.kernelHeartbeatPort = port;
    const QStringList addresses = {"127.0.0.51/8", "127.0.0.52", "127.0.0.53"};
    for (int i = 0; i < 3; ++i) {
        config::Server server;
        server.name = QStringLiteral("s%1").arg(i + 1);
        server.priority = 2 - i; // s3 first, then s2, then s1
        server.devices << config::Device{0, "lan", addresses[i]};
        config.servers << server;
    }
    config.heartbeats << config::Heartbeat{"lankhb", "lankhb1", 0, 0};
    return config;
}

// The largest ack age of `peer` reported by `path`'s kernelAlive while `run` runs for `ms`.
qint64 largestAckAge(KernelLanHeartbeat& path, const QString& peer, int ms,
                     const std::function<void()>& each, int* reports) {
    QSignalSpy alive(&path, &HeartbeatPath::kernelAlive);
    QElapsedTimer timer;
    timer.start();
    while (timer.elapsed() < ms) {
        each();
        path.readPending();
        QTest::qWait(50);
    }
    qint64 largest = -1;
    *reports = 0;
    for (const auto& report : alive)
        if (report[0].toString() == peer) {
            ++*reports;
            largest = std::max(largest, report[2].toLongLong());
        }
    return largest;
}

} // namespace

class TestKernelLanHeartbeat : public QObject {
    Q_OBJECT
private slots:
    void initTestCase() {
        port_ = freeTcpPort(
            {QHostAddress("127.0.0.51"), QHostAddress("127.0.0.52"), QHostAddress("127.0.0.61")});
        QVERIFY(port_ != 0);
    }

    void createdFromTheConfiguration() {
        auto config = makeConfig(port_);
        config.servers[2].devices[0].id = 5; // s3 is not on the path
        QString error;
        auto path = HeartbeatPathFactory::create({config, config.heartbeats[0], "s1"}, &error);
        QVERIFY2(path, qPrintable(error));
        auto* khb = qobject_cast<KernelLanHeartbeat*>(path.get());
        QVERIFY(khb);
        QCOMPARE(khb->type(), QString("lankhb"));
        QCOMPARE(khb->peers(), QStringList{"s2"});
        QCOMPARE(khb->localAddress(), QHostAddress("127.0.0.51"));
        QCOMPARE(khb->port(), port_);
        QCOMPARE(khb->localEndpoint(), QStringLiteral("127.0.0.51:%1").arg(port_));
        QCOMPARE(khb->timing().interval, 100ms);
        QCOMPARE(khb->timing().timeout, 1000ms);
        QVERIFY(!khb->dials("s2")); // s2 comes first in the priority order: it dials s1
        auto other = HeartbeatPathFactory::create({config, config.heartbeats[0], "s2"}, &error);
        QVERIFY(qobject_cast<KernelLanHeartbeat*>(other.get())->dials("s1"));
        QVERIFY(!HeartbeatPathFactory::create({config, config.heartbeats[0], "s3"}, &error));
        QVERIFY2(error.contains("no device 0"), qPrintable(error));

        // Keepalive: whole seconds, well inside the timeout; TCP_USER_TIMEOUT decides the end.
        QCOMPARE(KernelLanHeartbeat::keepaliveSeconds({100ms, 1000ms}), 1);
        QCOMPARE(KernelLanHeartbeat::keepaliveSeconds({3000ms, 90000ms}), 3);
        QCOMPARE(KernelLanHeartbeat::keepaliveSeconds({3000ms, 6000ms}), 2);
        QCOMPARE(KernelLanHeartbeat::keepaliveCount({3000ms, 90000ms}), 31);
    }

    void listenFailureNamesAddressAndPort() {
        KernelLanHeartbeat first("lankhb1", QHostAddress("127.0.0.51"), port_, {}, kTiming);
        QVERIFY2(first.open(), qPrintable(first.errorString()));
        KernelLanHeartbeat second("lankhb1", QHostAddress("127.0.0.51"), port_, {}, kTiming);
        QVERIFY(!second.open());
        const QString expected =
            QStringLiteral("lankhb1: cannot listen on TCP 127.0.0.51:%1: ").arg(port_);
        QVERIFY2(second.errorString().startsWith(expected), qPrintable(second.errorString()));
        first.close();
        QVERIFY2(second.open(), qPrintable(second.errorString()));
        QVERIFY(second.errorString().isEmpty());
    }

    void datagramsBothWaysAndTheKernelAnswers() {
        const QHostAddress a("127.0.0.51"), b("127.0.0.52");
        KernelLanHeartbeat pathA("lankhb1", a, port_, {{"s2", {b, true}}}, kTiming);
        KernelLanHeartbeat pathB("lankhb1", b, port_, {{"s1", {a, false}}}, kTiming);
        QVERIFY(pathB.open());
        QVERIFY(pathA.open());
        QTRY_VERIFY_WITH_TIMEOUT(pathA.link("s2").connected && pathB.link("s1").connected, kWaitMs);
        QVERIFY(pathA.link("s2").outgoing);
        QVERIFY(!pathB.link("s1").outgoing);

        QSignalSpy atA(&pathA, &HeartbeatPath::datagramReceived);
        QSignalSpy atB(&pathB, &HeartbeatPath::datagramReceived);
        QCOMPARE(pathA.send("hello"), 1);
        QCOMPARE(pathB.send("world"), 1);
        QCOMPARE(pathB.send(QByteArray(600, 'x')), 1);
        QTRY_COMPARE_WITH_TIMEOUT(atB.count(), 1, kWaitMs);
        QTRY_COMPARE_WITH_TIMEOUT(atA.count(), 2, kWaitMs);
        QCOMPARE(atB[0][0].toByteArray(), QByteArray("hello"));
        QCOMPARE(atB[0][2].toString(), QString("s1"));
        QVERIFY2(atB[0][1].toString().startsWith("127.0.0.51:"), qPrintable(atB[0][1].toString()));
        QCOMPARE(atA[0][0].toByteArray(), QByteArray("world"));
        QCOMPARE(atA[1][0].toByteArray(), QByteArray(600, 'x'));
        QCOMPARE(atA[0][1].toString(), pathA.link("s2").source);
        QCOMPARE(atA[0][1].toString(), QStringLiteral("127.0.0.52:%1 #1").arg(port_));

        // The kernel's answer, under the same source as the datagrams.
        QSignalSpy alive(&pathA, &HeartbeatPath::kernelAlive);
        pathA.readPending();
        QCOMPARE(alive.count(), 1);
        QCOMPARE(alive[0][0].toString(), QString("s2"));
        QCOMPARE(alive[0][1].toString(), atA[0][1].toString());
        QVERIFY2(alive[0][2].toLongLong() < 1000, qPrintable(alive[0][2].toString()));
        QCOMPARE(pathA.link("s2").tcpState, 1); // ESTABLISHED

        // A closed end: the other side sees the connection end and reports nothing more.
        pathB.close();
        QTRY_VERIFY_WITH_TIMEOUT((pathA.readPending(), !pathA.link("s2").connected), kWaitMs);
        alive.clear();
        pathA.readPending();
        QCOMPARE(alive.count(), 0);
        QVERIFY(pathA.counters().ended >= 1);
        QCOMPARE(pathB.send("x"), 0);

        // It redials when the other end listens again.
        QVERIFY(pathB.open());
        QTRY_VERIFY_WITH_TIMEOUT(pathA.link("s2").connected && pathB.link("s1").connected, kWaitMs);
        QVERIFY(pathA.link("s2").source != atA[0][1].toString()); // a new source
    }

    void strangersAndBadFramesAreRefused() {
        const QHostAddress b("127.0.0.52");
        KernelLanHeartbeat pathB("lankhb1", b, port_, {{"s1", {QHostAddress("127.0.0.51"), false}}},
                                 kTiming);
        QVERIFY(pathB.open());
        QTcpSocket stranger;
        QVERIFY(stranger.bind(QHostAddress("127.0.0.61"), 0));
        stranger.connectToHost(b, port_);
        QTRY_COMPARE_WITH_TIMEOUT(pathB.counters().refused, quint64(1), kWaitMs);
        QTRY_COMPARE_WITH_TIMEOUT(stranger.state(), QAbstractSocket::UnconnectedState, kWaitMs);

        // A frame longer than any heartbeat ends the connection.
        QTcpSocket liar;
        QVERIFY(liar.bind(QHostAddress("127.0.0.51"), 0));
        liar.connectToHost(b, port_);
        QVERIFY(liar.waitForConnected(kWaitMs));
        QTRY_VERIFY_WITH_TIMEOUT(pathB.link("s1").connected, kWaitMs);
        liar.write(frame("ok") + QByteArray("\xff\xff", 2));
        QSignalSpy atB(&pathB, &HeartbeatPath::datagramReceived);
        QTRY_COMPARE_WITH_TIMEOUT(pathB.counters().protocolErrors, quint64(1), kWaitMs);
        QCOMPARE(atB.count(), 1); // the good frame before it
        QVERIFY(!pathB.link("s1").connected);
    }

    void stoppedPeerProcessIsStillAnsweredByItsKernel() {
        const QHostAddress a("127.0.0.51");
        KernelLanHeartbeat pathA("lankhb1", a, port_, {{"s2", {QHostAddress("127.0.0.52"), false}}},
                                 kTiming);
        QVERIFY(pathA.open());
        QSignalSpy atA(&pathA, &HeartbeatPath::datagramReceived);
        StoppedPeer peer("127.0.0.52", "127.0.0.51", port_, frame("last words"));
        QVERIFY(peer.stopped());
        QTRY_COMPARE_WITH_TIMEOUT(atA.count(), 1, kWaitMs);
        QCOMPARE(atA[0][0].toByteArray(), QByteArray("last words"));

        // Twice the timeout: its kernel ACKs our heartbeats, within an interval or so.
        int reports = 0;
        const qint64 largest = largestAckAge(
            pathA, "s2", 2 * int(kTiming.timeout.count()),
            [&] { QCOMPARE(pathA.send(QByteArray(100, 'h')), 1); }, &reports);
        QVERIFY2(reports >= 20, qPrintable(QString::number(reports)));
        QVERIFY2(largest >= 0 && largest < 500, qPrintable(QString::number(largest)));
        QVERIFY(pathA.link("s2").connected);
        QVERIFY(pathA.link("s2").unansweredBytes > 0);

        // Killed: its kernel closes the connection, which ends here, and nothing is alive.
        peer.kill();
        QTRY_VERIFY_WITH_TIMEOUT((pathA.readPending(), !pathA.link("s2").connected), kWaitMs);
        QSignalSpy alive(&pathA, &HeartbeatPath::kernelAlive);
        pathA.readPending();
        QCOMPARE(alive.count(), 0);
    }

    void whatAStoppedPeerMustBufferIsBounded() {
        KernelLanHeartbeat::Limits limits;
        limits.heartbeatBudget = 1000;
        limits.probeBudget = 1100;
        KernelLanHeartbeat pathA("lankhb1", QHostAddress("127.0.0.51"), port_,
                                 {{"s2", {QHostAddress("127.0.0.52"), false}}}, kTiming, limits);
        QVERIFY(pathA.open());
        StoppedPeer peer("127.0.0.52", "127.0.0.51", port_, QByteArray());
        QVERIFY(peer.stopped());
        QTRY_VERIFY_WITH_TIMEOUT(pathA.link("s2").connected, kWaitMs);
        int copies = 0;
        for (int i = 0; i < 200; ++i)
            copies += pathA.send(QByteArray(100, 'h'));     // 102-byte frames
        QCOMPARE(copies, 9);                                // 918 bytes <= 1000
        QCOMPARE(pathA.counters().probesSent, quint64(91)); // 2-byte probes up to 1100
        QCOMPARE(pathA.link("s2").unansweredBytes, qint64(1100));

        // Nothing written now: keepalive (1 s) alone keeps the kernel's answers fresh.
        int reports = 0;
        const qint64 largest = largestAckAge(
            pathA, "s2", 3000, [] {}, &reports);
        QVERIFY2(largest >= 0 && largest < 2000, qPrintable(QString::number(largest)));
        QVERIFY(pathA.link("s2").connected);
    }

    // With the heartbeat manager: the peer's kernel keeps it alive only on the connection that
    // carried its packets. The peer (s3, first in the priority order: it dials) is this test.
    void onlyAProvenConnectionKeepsThePeerAlive() {
        auto config = makeConfig(port_);
        config.cluster.heartbeatTimeoutMs = 500;
        config.servers.removeAt(1); // s1 and s3
        config.servers[1].devices[0].info = "127.0.0.61";
        const QByteArray key(32, '\x42'), hash(32, '\x01');
        cluster::HeartbeatManager manager(config, "s1", key, hash,
                                          HeartbeatPacket::newIncarnation());
        QVERIFY(manager.start());
        const auto status = [&] {
            const auto snapshot = manager.snapshot();
            const auto* peer = snapshot.peer("s3");
            return peer ? peer->status : cluster::PeerStatus::Unknown;
        };
        HeartbeatPacket packet;
        packet.clusterName = "khb";
        packet.senderName = "s3";
        packet.incarnation = HeartbeatPacket::newIncarnation();
        packet.configHash = hash;
        packet.state = HeartbeatPacket::Online;
        const auto next = [&](const QByteArray& withKey) {
            ++packet.sequence;
            return frame(packet.encode(withKey));
        };
        const auto dial = [&](QTcpSocket& socket) {
            QVERIFY(socket.bind(QHostAddress("127.0.0.61"), 0));
            socket.connectToHost(QHostAddress("127.0.0.51"), port_);
            QVERIFY(socket.waitForConnected(kWaitMs));
        };

        QTcpSocket proven;
        dial(proven);
        proven.write(next(key));
        QTRY_COMPARE_WITH_TIMEOUT(status(), cluster::PeerStatus::Up, kWaitMs);
        // Silent for four timeouts; our kernel ACKs the manager's heartbeats meanwhile.
        QTest::qWait(2000);
        QCOMPARE(status(), cluster::PeerStatus::Up);
        QCOMPARE(manager.snapshot().peer("s3")->path("lankhb1")->status,
                 cluster::PathStatus::Normal);

        // A new connection from the same address replaces it, but carries only a forgery and
        // then nothing: the peer is down within the timeout, although that kernel answers.
        QTcpSocket unproven;
        dial(unproven);
        unproven.write(next(QByteArray(32, '\x66')));
        QTRY_COMPARE_WITH_TIMEOUT(proven.state(), QAbstractSocket::UnconnectedState, kWaitMs);
        QElapsedTimer timer;
        timer.start();
        QTRY_COMPARE_WITH_TIMEOUT(status(), cluster::PeerStatus::Down, kWaitMs);
        QVERIFY2(timer.elapsed() < 1000, qPrintable(QString::number(timer.elapsed())));
        QCOMPARE(manager.snapshot().path("lankhb1")->counters.forged, quint64(1));

        // A packet on it proves it: up again, and kept up while silent.
        unproven.write(next(key));
        QTRY_COMPARE_WITH_TIMEOUT(status(), cluster::PeerStatus::Up, kWaitMs);
        QTest::qWait(1500);
        QCOMPARE(status(), cluster::PeerStatus::Up);
        // Closed: down by the timeout.
        unproven.abort();
        QTRY_COMPARE_WITH_TIMEOUT(status(), cluster::PeerStatus::Down, kWaitMs);
        manager.stop(false);
    }

private:
    quint16 port_ = 0;
};

QTEST_GUILESS_MAIN(TestKernelLanHeartbeat)
#include "tst_kernel_lan_heartbeat.moc"
