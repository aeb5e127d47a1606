// Heartbeat managers of two or three servers in one process, each in its own thread, on
// loopback addresses (127.0.0.1x for lanhb1, 127.0.1.1x for lanhb2) and a free port.

#include "HeartbeatManager.h"
#include "HeartbeatPacket.h"
#include "LoopbackPort.h"

#include <QElapsedTimer>
#include <QMutex>
#include <QTest>
#include <QThread>
#include <QUdpSocket>
#include <functional>

using namespace lifeline;
using namespace lifeline::cluster;
using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

namespace lifeline::cluster {
char* toString(PeerStatus status) {
    return qstrdup(qPrintable(describe(status)));
}
char* toString(PathStatus status) {
    return qstrdup(qPrintable(describe(status)));
}
} // namespace lifeline::cluster

namespace {

constexpr auto kInterval = 100ms;
constexpr auto kTimeout = 500ms;
constexpr int kWaitMs = 5000; // generous deadline for things that should happen at once
const QByteArray kKey = QByteArray(32, '\x42');
const QByteArray kHash = QByteArray(32, '\x01');
const QByteArray kOtherHash = QByteArray(32, '\x02');

qint64 ms(Clock::duration d) {
    return std::chrono::duration_cast<std::chrono::milliseconds>(d).count();
}

QString lanAddress(int path, int server) {
    return QStringLiteral("127.0.%1.1%2").arg(path).arg(server);
}

config::ClusterConfig makeConfig(quint16 port, int servers = 3) {
    config::ClusterConfig config;
    config.cluster.name = "hbtest";
    config.cluster.heartbeatIntervalMs = int(kInterval.count());
    config.cluster.heartbeatTimeoutMs = int(kTimeout.count());
    config.cluster.heartbeatPort = port;
    for (int i = 1; i <= servers; ++i) {
        config::Server server;
        server.name = QStringLiteral("node%1").arg(i);
        server.priority = i - 1;
        server.devices << config::Device{0, "lan", lanAddress(0, i)}
                       << config::Device{1, "lan", lanAddress(1, i) + "/24"};
        config.servers << server;
    }
    config.heartbeats << config::Heartbeat{"lanhb", "lanhb1", 0, 0}
                      << config::Heartbeat{"lanhb", "lanhb2", 1, 1};
    return config;
}

// What a manager emitted, recorded on its own thread with the time it happened.
struct Event {
    enum Kind { Up, Down, Path, Hash, State, PathError };
    Event(Kind kind, const QString& peer, const QString& path = {}, bool flag = false,
          const QByteArray& hash = {}, int state = -1)
        : kind(kind), peer(peer), path(path), flag(flag), hash(hash), state(state) {}
    Kind kind;
    QString peer; // PathError: the message
    QString path;
    bool flag = false; // Down: graceful; Path: normal
    QByteArray hash;
    int state = -1;
    Clock::time_point at = Clock::now();
};

class EventLog {
public:
    void add(const Event& event) {
        QMutexLocker lock(&mutex_);
        events_ << event;
    }
    QList<Event> all() const {
        QMutexLocker lock(&mutex_);
        return events_;
    }
    QList<Event> of(Event::Kind kind, const QString& peer) const {
        QList<Event> found;
        for (const auto& e : all())
            if (e.kind == kind && e.peer == peer)
                found << e;
        return found;
    }
    bool has(Event::Kind kind, const QString& peer) const { return !of(kind, peer).isEmpty(); }
    int countOf(Event::Kind kind) const {
        int n = 0;
        for (const auto& e : all())
            n += e.kind == kind;
        return n;
    }

private:
    mutable QMutex mutex_;
    QList<Event> events_;
};

quint64 nextIncarnation() {
    static quint64 last = 0;
    last = std::max(last + 1, hb::HeartbeatPacket::newIncarnation());
    return last;
}

// One server: a manager in its own thread, as the daemon runs it.
class Node {
public:
    Node(const config::ClusterConfig& config, const QString& name, const QByteArray& hash = kHash,
         quint64 incarnation = nextIncarnation())
        : name_(name), manager_(new HeartbeatManager(config, name, kKey, hash, incarnation)) {
        thread_.setObjectName("hb-" + name);
        manager_->moveToThread(&thread_);
        auto* m = manager_.get();
        const auto direct = Qt::DirectConnection;
        QObject::connect(
            m, &HeartbeatManager::peerUp, m,
            [this](const QString& p) {
                log.add({Event::Up, p});
            },
            direct);
        QObject::connect(
            m, &HeartbeatManager::peerDown, m,
            [this](const QString& p, bool graceful) {
                log.add({Event::Down, p, {}, graceful});
            },
            direct);
        QObject::connect(
            m, &HeartbeatManager::pathStateChanged, m,
            [this](const QString& p, const QString& path, bool normal) {
                log.add({Event::Path, p, path, normal});
            },
            direct);
        QObject::connect(
            m, &HeartbeatManager::peerConfigHash, m,
            [this](const QString& p, const QByteArray& h) {
                log.add({Event::Hash, p, {}, false, h});
            },
            direct);
        QObject::connect(
            m, &HeartbeatManager::peerStateChanged, m,
            [this](const QString& p, int state) {
                log.add({Event::State, p, {}, false, {}, state});
            },
            direct);
        QObject::connect(
            m, &HeartbeatManager::pathError, m,
            [this](const QString& path, const QString& message) {
                log.add({Event::PathError, message, path});
            },
            direct);
        thread_.start();
    }
    ~Node() {
        manager_->stop(false);
        thread_.quit();
        thread_.wait();
    }
    bool start() { return manager_->start(); }
    void stop(bool graceful) { manager_->stop(graceful); }
    HeartbeatManager& manager() { return *manager_; }
    MembershipSnapshot snapshot() const { return manager_->snapshot(); }
    QString name() const { return name_; }

    EventLog log;

private:
    QString name_;
    QThread thread_;
    std::unique_ptr<HeartbeatManager> manager_; // deleted after the thread has finished
};

bool seesUp(const Node& node, const QStringList& peers, bool everyPathNormal = true) {
    const auto snap = node.snapshot();
    for (const auto& name : peers) {
        const auto* peer = snap.peer(name);
        if (!peer || peer->status != PeerStatus::Up)
            return false;
        if (everyPathNormal)
            for (const auto& path : peer->paths)
                if (path.status != PathStatus::Normal)
                    return false;
    }
    return true;
}

QByteArray packet(const QString& sender, quint64 incarnation, quint64 sequence,
                  const QByteArray& key = kKey, const QString& cluster = "hbtest") {
    hb::HeartbeatPacket p;
    p.clusterName = cluster;
    p.senderName = sender;
    p.incarnation = incarnation;
    p.sequence = sequence;
    p.configHash = kHash;
    p.state = hb::HeartbeatPacket::Online;
    return p.encode(key);
}

} // namespace

class TestHeartbeatManager : public QObject {
    Q_OBJECT
private slots:
    void initTestCase() {
        QList<QHostAddress> addresses{QHostAddress("127.0.0.99")};
        for (int path = 0; path < 2; ++path)
            for (int server = 1; server <= 3; ++server)
                addresses << QHostAddress(lanAddress(path, server));
        port_ = freeUdpPort(addresses);
        QVERIFY(port_ != 0);
    }

    void setUpFromTheConfiguration() {
        auto config = makeConfig(port_);
        config.heartbeats << config::Heartbeat{"nosuchhb", "nosuchhb1", 2, 0}
                          << config::Heartbeat{"diskhb", "diskhb1", 3, 7}
                          << config::Heartbeat{"lanhb", "lanhb3", 4, 9};
        config.servers[1].devices << config::Device{9, "lan", "127.0.3.12"};
        HeartbeatManager node1(config, "node1", kKey, kHash, 1);
        const auto issues = node1.setupIssues().join('\n');
        QVERIFY2(issues.contains("nosuchhb1") && issues.contains("diskhb1") &&
                     issues.contains("not supported yet"),
                 qPrintable(issues));
        QVERIFY2(issues.contains("lanhb3") && issues.contains("no device 9"), qPrintable(issues));
        QCOMPARE(node1.peers(), QStringList({"node2", "node3"}));
        QCOMPARE(node1.checkPeriod(), 25ms);
        auto snap = node1.snapshot();
        QCOMPARE(snap.paths.size(), 2);
        QCOMPARE(snap.paths[0].name, QString("lanhb1"));
        QCOMPARE(snap.paths[0].localEndpoint, QStringLiteral("127.0.0.11:%1").arg(port_));
        QCOMPARE(snap.paths[1].peers, QStringList({"node2", "node3"}));
        QCOMPARE(snap.timeoutMs, qint64(kTimeout.count()));
        QVERIFY(!snap.running);
        QCOMPARE(snap.peer("node2")->status, PeerStatus::Unknown);
        node1.setTimeoutRatio(2.0);
        QCOMPARE(node1.snapshot().timeoutMs, 2 * qint64(kTimeout.count()));
        node1.setTimeoutRatio(0); // ignored
        QCOMPARE(node1.snapshot().timeoutRatio, 2.0);

        HeartbeatManager node2(config, "node2", kKey, kHash, 1);
        QVERIFY(node2.setupIssues().join('\n').contains("type nosuchhb is not supported yet"));
        QCOMPARE(node2.snapshot().paths.size(), 3);
        QCOMPARE(node2.snapshot().paths[2].peers, QStringList()); // lanhb3: nobody else has it
    }

    void peersSeeEachOtherWithEveryPathNormal() {
        const auto config = makeConfig(port_);
        Node node1(config, "node1"), node2(config, "node2"), node3(config, "node3");
        QVERIFY(node1.start());
        QVERIFY(node2.start());
        QVERIFY(node3.start());
        QTRY_VERIFY_WITH_TIMEOUT(seesUp(node1, {"node2", "node3"}), kWaitMs);
        QTRY_VERIFY_WITH_TIMEOUT(seesUp(node2, {"node1", "node3"}), kWaitMs);
        QTRY_VERIFY_WITH_TIMEOUT(seesUp(node3, {"node1", "node2"}), kWaitMs);

        for (const auto& peer : {"node2", "node3"}) {
            QCOMPARE(node1.log.of(Event::Up, peer).size(), 1);
            QVERIFY(!node1.log.has(Event::Down, peer));
            QCOMPARE(node1.log.of(Event::Hash, peer).size(), 1);
            QCOMPARE(node1.log.of(Event::Hash, peer)[0].hash, kHash);
            QCOMPARE(node1.log.of(Event::State, peer)[0].state, 0);
            QCOMPARE(node1.log.of(Event::Path, peer).size(), 2);
        }
        const auto snap = node1.snapshot();
        QVERIFY(snap.running);
        QCOMPARE(snap.peer("node2")->incarnation, node2.snapshot().incarnation);
        QCOMPARE(snap.peer("node2")->configHash, kHash);
        QVERIFY(snap.peer("node2")->path("lanhb2")->lastHeardAgeMs >= 0);
        QVERIFY(snap.peer("node2")->path("lanhb2")->lastHeardAgeMs < kTimeout.count());
        for (const auto& path : snap.paths) {
            QVERIFY(path.open);
            QVERIFY(path.localNormal);
            QVERIFY(path.counters.sent > 0);
            QVERIFY(path.counters.accepted > 0);
            QCOMPARE(path.counters.forged + path.counters.replayed + path.counters.malformed +
                         path.counters.unknownSender + path.counters.foreignCluster,
                     quint64(0));
        }

        node2.manager().setLocalState(hb::HeartbeatPacket::Online);
        QTRY_VERIFY_WITH_TIMEOUT(node1.log.of(Event::State, "node2").size() == 2, kWaitMs);
        QCOMPARE(node1.log.of(Event::State, "node2")[1].state, int(hb::HeartbeatPacket::Online));
        QTRY_COMPARE_WITH_TIMEOUT(node3.snapshot().peer("node2")->state,
                                  int(hb::HeartbeatPacket::Online), kWaitMs);
    }

    void crashedPeerIsDownWithinTimeoutPlusOneInterval() {
        const auto config = makeConfig(port_);
        Node node1(config, "node1"), node2(config, "node2");
        auto node3 = std::make_unique<Node>(config, "node3");
        QVERIFY(node1.start() && node2.start() && node3->start());
        QTRY_VERIFY_WITH_TIMEOUT(seesUp(node1, {"node2", "node3"}), kWaitMs);
        QTRY_VERIFY_WITH_TIMEOUT(seesUp(node2, {"node1", "node3"}), kWaitMs);

        node3->stop(false); // no leaving packet: as if it crashed
        const auto killed = Clock::now();
        node3.reset();
        for (Node* node : {&node1, &node2}) {
            QTRY_VERIFY_WITH_TIMEOUT(node->log.has(Event::Down, "node3"), kWaitMs);
            const Event down = node->log.of(Event::Down, "node3").first();
            QVERIFY(!down.flag);
            const qint64 after = ms(down.at - killed);
            QVERIFY2(after <= ms(kTimeout + kInterval),
                     qPrintable(QStringLiteral("%1 saw node3 down %2 ms after it stopped")
                                    .arg(node->name())
                                    .arg(after)));
            QVERIFY2(after >= ms(kTimeout - kInterval), qPrintable(QString::number(after)));
            const auto snap = node->snapshot();
            const auto* peer = snap.peer("node3");
            QCOMPARE(peer->status, PeerStatus::Down);
            QVERIFY(!peer->left);
            for (const auto& path : peer->paths) {
                QCOMPARE(path.status, PathStatus::Offline);
                QVERIFY(path.lastHeardAgeMs >= ms(kTimeout - kInterval));
            }
        }
        QVERIFY(!node1.log.has(Event::Down, "node2"));
        QVERIFY(seesUp(node1, {"node2"}));
        QVERIFY(node1.snapshot().path("lanhb1")->localNormal);
    }

    void gracefulStopIsPromptAndNotAFailure() {
        const auto config = makeConfig(port_, 2);
        Node node1(config, "node1"), node2(config, "node2");
        QVERIFY(node1.start() && node2.start());
        QTRY_VERIFY_WITH_TIMEOUT(seesUp(node1, {"node2"}), kWaitMs);

        const auto stopped = Clock::now();
        node2.stop(true);
        QTRY_VERIFY_WITH_TIMEOUT(node1.log.has(Event::Down, "node2"), kWaitMs);
        const Event down = node1.log.of(Event::Down, "node2").first();
        QVERIFY(down.flag);
        QVERIFY2(down.at - stopped < kInterval, qPrintable(QString::number(ms(down.at - stopped))));
        auto snap = node1.snapshot();
        QVERIFY(snap.peer("node2")->left);
        QCOMPARE(snap.peer("node2")->paths[0].status, PathStatus::Offline);
        QVERIFY(snap.path("lanhb1")->localNormal); // nobody up to judge our end by

        // Not a window for synchronisation: nothing may happen in it.
        QTest::qWait(int(ms(kTimeout + 2 * kInterval)));
        QCOMPARE(node1.log.of(Event::Down, "node2").size(), 1);
        QCOMPARE(node1.log.of(Event::Up, "node2").size(), 1);

        // Starting again (same process, newer sequence numbers) brings it back.
        QVERIFY(node2.start());
        QTRY_VERIFY_WITH_TIMEOUT(seesUp(node1, {"node2"}), kWaitMs);
        QVERIFY(!node1.snapshot().peer("node2")->left);
    }

    void silentPathIsOfflineWhileThePeerStaysUp() {
        // node1 believes node2's second address is 127.0.2.12, where nobody listens: nothing
        // node1 sends on lanhb2 reaches node2, and what node2 sends comes from an address node1
        // does not know.
        const auto config = makeConfig(port_, 2);
        auto skewed = config;
        skewed.servers[1].devices[1].info = "127.0.2.12/24";
        Node node1(skewed, "node1"), node2(config, "node2");
        QVERIFY(node1.start() && node2.start());
        QTRY_VERIFY_WITH_TIMEOUT(
            node1.log.has(Event::Path, "node2") && node2.log.has(Event::Path, "node1"), kWaitMs);
        QTRY_VERIFY_WITH_TIMEOUT(node1.log.of(Event::Path, "node2").size() == 2, kWaitMs);
        QTRY_VERIFY_WITH_TIMEOUT(node2.log.of(Event::Path, "node1").size() == 2, kWaitMs);
        for (Node* node : {&node1, &node2}) {
            const QString peer = node == &node1 ? "node2" : "node1";
            for (const auto& e : node->log.of(Event::Path, peer))
                QCOMPARE(e.flag, e.path == "lanhb1");
            const auto snap = node->snapshot();
            QCOMPARE(snap.peer(peer)->status, PeerStatus::Up);
            QCOMPARE(snap.peer(peer)->path("lanhb1")->status, PathStatus::Normal);
            QCOMPARE(snap.peer(peer)->path("lanhb2")->status, PathStatus::Offline);
            QVERIFY(snap.path("lanhb1")->localNormal);
            QVERIFY(!snap.path("lanhb2")->localNormal);
            QVERIFY(!node->log.has(Event::Down, peer));
        }
        QVERIFY(node1.snapshot().path("lanhb2")->counters.unknownSender > 0);
    }

    void pausedSendingLooksDownAndPathsRecover() {
        const auto config = makeConfig(port_, 2);
        Node node1(config, "node1"), node2(config, "node2");
        QVERIFY(node1.start() && node2.start());
        QTRY_VERIFY_WITH_TIMEOUT(seesUp(node1, {"node2"}), kWaitMs);
        node2.manager().setSending(false);
        QTRY_VERIFY_WITH_TIMEOUT(node1.log.has(Event::Down, "node2"), kWaitMs);
        QVERIFY(!node1.log.of(Event::Down, "node2").first().flag);
        QVERIFY(seesUp(node2, {"node1"})); // it still listens
        node2.manager().setSending(true);
        QTRY_VERIFY_WITH_TIMEOUT(seesUp(node1, {"node2"}), kWaitMs);
        QCOMPARE(node1.log.of(Event::Up, "node2").size(), 2);
        int normal = 0, offline = 0;
        for (const auto& e : node1.log.of(Event::Path, "node2"))
            (e.flag ? normal : offline)++;
        QCOMPARE(normal, 4);
        QCOMPARE(offline, 2);
        QCOMPARE(node1.log.of(Event::Hash, "node2").size(), 2); // told again after it came back
    }

    void forgedAndReplayedAreCountedAndKeepNoStoppedPeerAlive() {
        const auto config = makeConfig(port_);
        const quint64 incarnation3 = nextIncarnation();
        Node node1(config, "node1"), node2(config, "node2");
        auto node3 = std::make_unique<Node>(config, "node3", kHash, incarnation3);
        QVERIFY(node1.start() && node2.start() && node3->start());
        QTRY_VERIFY_WITH_TIMEOUT(seesUp(node1, {"node2", "node3"}), kWaitMs);
        QTRY_VERIFY_WITH_TIMEOUT(seesUp(node2, {"node1", "node3"}), kWaitMs);
        node3->stop(false);
        const auto killed = Clock::now();
        const quint64 lastSequence = node3->snapshot().sequence;
        node3.reset();

        // Node3's addresses are free now: an attacker sends from them (and from a stranger's).
        QUdpSocket fake1, fake2, stranger;
        QVERIFY(fake1.bind(QHostAddress(lanAddress(0, 3)), port_));
        QVERIFY(fake2.bind(QHostAddress(lanAddress(1, 3)), port_));
        QVERIFY(stranger.bind(QHostAddress("127.0.0.99"), port_));
        const QByteArray wrongKey(32, '\x43');
        QElapsedTimer deadline;
        deadline.start();
        quint64 forgedSequence = lastSequence + 1;
        while (!(node1.log.has(Event::Down, "node3") && node2.log.has(Event::Down, "node3")) &&
               deadline.elapsed() < kWaitMs) {
            const QList<QByteArray> junk{
                packet("node3", incarnation3, ++forgedSequence, wrongKey),
                packet("node3", incarnation3, lastSequence),       // its last real packet, again
                packet("node3", incarnation3, 1),                  // its first one
                packet("node3", incarnation3 - 1, forgedSequence), // an older process
                packet("node3", incarnation3, forgedSequence, kKey, "another"),
                QByteArray("LLHB\x01 not a heartbeat"),
            };
            for (int server = 1; server <= 2; ++server) {
                for (const auto& datagram : junk) {
                    fake1.writeDatagram(datagram, QHostAddress(lanAddress(0, server)), port_);
                    fake2.writeDatagram(datagram, QHostAddress(lanAddress(1, server)), port_);
                }
                // A valid, fresh packet (someone holds the key) from an address that is not
                // node3's.
                stranger.writeDatagram(packet("node3", incarnation3, ++forgedSequence + 1000),
                                       QHostAddress(lanAddress(0, server)), port_);
            }
            QTest::qWait(20); // the attacker's pace
        }
        for (Node* node : {&node1, &node2}) {
            QVERIFY(node->log.has(Event::Down, "node3"));
            const qint64 after = ms(node->log.of(Event::Down, "node3").first().at - killed);
            QVERIFY2(after <= ms(kTimeout + kInterval), qPrintable(QString::number(after)));
            const auto snap = node->snapshot();
            for (const auto& path : snap.paths) {
                const auto& c = path.counters;
                QVERIFY2(c.forged > 0 && c.replayed > 0 && c.malformed > 0 && c.foreignCluster > 0,
                         qPrintable(path.name));
                QCOMPARE(c.accepted + c.malformed + c.foreignCluster + c.forged + c.replayed +
                             c.unknownSender,
                         c.received);
            }
            QVERIFY(snap.path("lanhb1")->counters.unknownSender > 0);
            QCOMPARE(snap.peer("node3")->status, PeerStatus::Down);
            QCOMPARE(node->log.of(Event::Up, "node3").size(), 1);
        }
    }

    void differentConfigHashIsReported() {
        const auto config = makeConfig(port_, 2);
        Node node1(config, "node1"), node2(config, "node2", kOtherHash);
        QVERIFY(node1.start() && node2.start());
        QTRY_VERIFY_WITH_TIMEOUT(node1.log.has(Event::Hash, "node2"), kWaitMs);
        QCOMPARE(node1.log.of(Event::Hash, "node2").first().hash, kOtherHash);
        QTRY_VERIFY_WITH_TIMEOUT(node2.log.has(Event::Hash, "node1"), kWaitMs);
        QCOMPARE(node2.log.of(Event::Hash, "node1").first().hash, kHash);
        QTRY_VERIFY_WITH_TIMEOUT(seesUp(node1, {"node2"}), kWaitMs); // liveness is separate
        QCOMPARE(node1.snapshot().peer("node2")->configHash, kOtherHash);
    }

    void quickRestartIsDownThenUp() {
        const auto config = makeConfig(port_, 2);
        Node node1(config, "node1");
        auto node2 = std::make_unique<Node>(config, "node2");
        QVERIFY(node1.start() && node2->start());
        QTRY_VERIFY_WITH_TIMEOUT(seesUp(node1, {"node2"}), kWaitMs);
        node2.reset(); // crashed...
        const auto restarted = Clock::now();
        node2 = std::make_unique<Node>(config, "node2"); // ...and restarted with a new incarnation
        QVERIFY(node2->start());
        QTRY_VERIFY_WITH_TIMEOUT(node1.log.of(Event::Up, "node2").size() == 2, kWaitMs);
        const auto downs = node1.log.of(Event::Down, "node2");
        QCOMPARE(downs.size(), 1);
        QVERIFY(!downs[0].flag);
        // Reported because the incarnation changed, not after a timeout.
        QVERIFY2(downs[0].at - restarted < kTimeout - kInterval,
                 qPrintable(QString::number(ms(downs[0].at - restarted))));
        QVERIFY(downs[0].at <= node1.log.of(Event::Up, "node2")[1].at);
    }

    void bindFailureIsReportedAndRetried() {
        const auto config = makeConfig(port_, 2);
        QUdpSocket squatter;
        QVERIFY(squatter.bind(QHostAddress(lanAddress(0, 1)), port_));
        Node node1(config, "node1"), node2(config, "node2");
        QVERIFY(!node1.start());
        QVERIFY(node2.start());
        const QString endpoint = QStringLiteral("%1:%2").arg(lanAddress(0, 1)).arg(port_);
        auto snap = node1.snapshot();
        QVERIFY(!snap.path("lanhb1")->open);
        QVERIFY2(snap.path("lanhb1")->error.contains(endpoint),
                 qPrintable(snap.path("lanhb1")->error));
        QVERIFY(snap.path("lanhb2")->open);
        QCOMPARE(node1.log.countOf(Event::PathError), 1);
        // The peer is still up over the other path.
        QTRY_VERIFY_WITH_TIMEOUT(seesUp(node1, {"node2"}, false), kWaitMs);
        squatter.close();
        QTRY_VERIFY_WITH_TIMEOUT(node1.snapshot().path("lanhb1")->open, kWaitMs);
        QTRY_VERIFY_WITH_TIMEOUT(seesUp(node1, {"node2"}), kWaitMs);
        QTRY_VERIFY_WITH_TIMEOUT(seesUp(node2, {"node1"}), kWaitMs);
    }

    void blockedMainThreadDoesNotDelayHeartbeats() {
        const auto config = makeConfig(port_, 2);
        Node node1(config, "node1"), node2(config, "node2");
        QVERIFY(node1.start() && node2.start());
        QTRY_VERIFY_WITH_TIMEOUT(seesUp(node1, {"node2"}) && seesUp(node2, {"node1"}), kWaitMs);
        const quint64 sentBefore = node1.snapshot().path("lanhb1")->counters.sent;
        QElapsedTimer busy;
        busy.start();
        const qint64 blockMs = 3 * ms(kTimeout);
        while (busy.elapsed() < blockMs) {
            // The main thread does no event processing at all.
        }
        QCOMPARE(node1.log.countOf(Event::Down), 0);
        QCOMPARE(node2.log.countOf(Event::Down), 0);
        QVERIFY(seesUp(node1, {"node2"}) && seesUp(node2, {"node1"}));
        const quint64 sent = node1.snapshot().path("lanhb1")->counters.sent - sentBefore;
        QVERIFY2(sent >= quint64(blockMs / ms(kInterval)) * 3 / 4,
                 qPrintable(QString::number(sent)));
    }

private:
    quint16 port_ = 0;
};

QTEST_GUILESS_MAIN(TestHeartbeatManager)
#include "tst_heartbeat_manager.moc"
