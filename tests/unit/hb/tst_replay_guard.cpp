// Replay protection: the per-path ReplayGuard, the CrossPathGate shared by the paths, and the
// HeartbeatInbox that chains every check and counts the outcome.

#include "CrossPathGate.h"
#include "HeartbeatInbox.h"
#include "ReplayGuard.h"

#include <QTest>

using namespace lifeline::hb;
using namespace std::chrono_literals;
using Verdict = HeartbeatInbox::Verdict;

namespace lifeline::hb {
// Readable QCOMPARE failures.
char* toString(HeartbeatInbox::Verdict verdict) {
    return qstrdup(qPrintable(describe(verdict)));
}
} // namespace lifeline::hb

namespace {

const QByteArray kKey = QByteArray(32, '\x21');
const CrossPathGate::Clock::time_point kT0{};

QByteArray datagram(const QString& sender, quint64 incarnation, quint64 sequence,
                    const QByteArray& key = kKey, const QString& cluster = "c1") {
    HeartbeatPacket packet;
    packet.clusterName = cluster;
    packet.senderName = sender;
    packet.incarnation = incarnation;
    packet.sequence = sequence;
    packet.configHash = QByteArray(32, '\x01');
    return packet.encode(key);
}

quint64 sum(const HeartbeatCounters& c) {
    return c.accepted + c.malformed + c.foreignCluster + c.forged + c.replayed + c.unknownSender;
}

} // namespace

class TestReplayGuard : public QObject {
    Q_OBJECT
private slots:
    void duplicatesAreReplays() {
        ReplayGuard guard;
        QVERIFY(guard.accept("a", 1, 10));
        QVERIFY(!guard.accept("a", 1, 10));
        QVERIFY(guard.accept("a", 1, 11));
        QVERIFY(!guard.accept("a", 1, 11));
        QVERIFY(!guard.accept("a", 1, 10));
    }

    void reorderedWithinTheWindowIsAcceptedOnce() {
        ReplayGuard guard;
        QVERIFY(guard.accept("a", 1, 20));
        QVERIFY(guard.accept("a", 1, 18)); // late but never seen
        QVERIFY(!guard.accept("a", 1, 18));
        QVERIFY(guard.accept("a", 1, 19));
        QVERIFY(guard.accept("a", 1, 21));
    }

    void windowEdge() {
        ReplayGuard guard;
        const quint64 top = 1000;
        QVERIFY(guard.accept("a", 1, top));
        const quint64 oldestInWindow = top - (ReplayGuard::kWindow - 1);
        QVERIFY(!guard.wouldAccept("a", 1, oldestInWindow - 1)); // just outside
        QVERIFY(guard.accept("a", 1, oldestInWindow));           // just inside
        QVERIFY(!guard.accept("a", 1, oldestInWindow));
        // Sliding by one pushes that number out of the window.
        QVERIFY(guard.accept("a", 1, top + 1));
        QVERIFY(!guard.wouldAccept("a", 1, oldestInWindow));
    }

    void bigJumpClearsTheWindow() {
        ReplayGuard guard;
        QVERIFY(guard.accept("a", 1, 5));
        QVERIFY(guard.accept("a", 1, 5 + 10 * ReplayGuard::kWindow));
        QVERIFY(!guard.accept("a", 1, 5));
        QVERIFY(guard.accept("a", 1, 4 + 10 * ReplayGuard::kWindow));
    }

    void newIncarnationResetsOldIsRejected() {
        ReplayGuard guard;
        QVERIFY(guard.accept("a", 100, 500));
        QVERIFY(guard.accept("a", 200, 1)); // restarted: numbering starts again
        QVERIFY(guard.accept("a", 200, 2));
        QVERIFY(!guard.accept("a", 100, 501)); // the old process, or its recording
        QVERIFY(!guard.accept("a", 200, 1));
    }

    void sendersAreIndependent() {
        ReplayGuard guard;
        QVERIFY(guard.accept("a", 1, 7));
        QVERIFY(guard.accept("b", 1, 7));
        QVERIFY(!guard.accept("b", 1, 7));
        guard.forget("b");
        QVERIFY(guard.accept("b", 1, 7));
    }

    void wouldAcceptRemembersNothing() {
        ReplayGuard guard;
        QVERIFY(guard.wouldAccept("a", 1, 1));
        QVERIFY(guard.wouldAccept("a", 1, 1));
        QVERIFY(guard.accept("a", 1, 1));
        QVERIFY(!guard.wouldAccept("a", 1, 1));
    }

    void gateAdmitsCopiesOnlyWhileFresh() {
        CrossPathGate gate(200ms);
        QVERIFY(gate.admit("a", 1, 10, kT0));
        QVERIFY(gate.admit("a", 1, 10, kT0 + 5ms));    // the copy of another path
        QVERIFY(gate.admit("a", 1, 10, kT0 + 200ms));  // still within the skew
        QVERIFY(!gate.admit("a", 1, 10, kT0 + 201ms)); // recorded and replayed later
        QVERIFY(gate.admit("a", 1, 12, kT0 + 300ms));
        // Below the highest and never seen: older than what we have, and maybe a recording.
        QVERIFY(!gate.admit("a", 1, 11, kT0 + 300ms));
    }

    void gateRejectsOlderThanTheWindowAndOldIncarnations() {
        CrossPathGate gate(1000ms);
        const quint64 window = CrossPathGate::kWindow;
        QVERIFY(gate.admit("a", 5, 10, kT0));
        QVERIFY(gate.admit("a", 5, 10 + window - 1, kT0));
        QVERIFY(gate.admit("a", 5, 10, kT0 + 1ms)); // still in the window
        QVERIFY(gate.admit("a", 5, 10 + window, kT0 + 1ms));
        QVERIFY(!gate.admit("a", 5, 10, kT0 + 1ms)); // slid out
        QVERIFY(!gate.admit("a", 4, 2000, kT0));
        QVERIFY(gate.admit("a", 6, 1, kT0));
        QVERIFY(!gate.admit("a", 5, 1001, kT0));
    }

    void inboxChecksInOrderAndCounts() {
        CrossPathGate gate(100ms);
        HeartbeatInbox inbox("c1", kKey, &gate);
        HeartbeatPacket packet;
        QCOMPARE(inbox.take(datagram("s2", 1, 1), "s2", kT0, &packet), Verdict::Accepted);
        QCOMPARE(packet.senderName, QString("s2"));
        QCOMPARE(inbox.take(datagram("s2", 1, 1), "s2", kT0, nullptr), Verdict::Replayed);
        QCOMPARE(inbox.take(datagram("s2", 1, 2), QString(), kT0, nullptr),
                 Verdict::UnknownSender); // source is no peer of this path
        QCOMPARE(inbox.take(datagram("s3", 1, 2), "s2", kT0, nullptr),
                 Verdict::UnknownSender); // s3's packet from s2's address
        QCOMPARE(inbox.take(datagram("s2", 1, 2, QByteArray(32, 'k')), "s2", kT0, nullptr),
                 Verdict::Forged);
        QCOMPARE(inbox.take(datagram("s2", 1, 2, kKey, "c9"), "s2", kT0, nullptr),
                 Verdict::ForeignCluster);
        QCOMPARE(inbox.take(QByteArray("junk"), "s2", kT0, nullptr), Verdict::Malformed);
        // Rejected packets did not move the window: 2 is still fresh.
        QCOMPARE(inbox.take(datagram("s2", 1, 2), "s2", kT0, nullptr), Verdict::Accepted);
        inbox.countSent(3);
        const HeartbeatCounters& c = inbox.counters();
        QCOMPARE(c.sent, quint64(3));
        QCOMPARE(c.received, quint64(8));
        QCOMPARE(c.accepted, quint64(2));
        QCOMPARE(c.replayed, quint64(1));
        QCOMPARE(c.unknownSender, quint64(2));
        QCOMPARE(c.forged, quint64(1));
        QCOMPARE(c.foreignCluster, quint64(1));
        QCOMPARE(c.malformed, quint64(1));
        QCOMPARE(sum(c), c.received);
    }

    // The same packet arrives once on each path: each path accepts its copy, and a copy
    // recorded on one path and replayed later on another is refused.
    void pathsAcceptTheirOwnCopyButNotLateReplays() {
        CrossPathGate gate(100ms);
        HeartbeatInbox path1("c1", kKey, &gate);
        HeartbeatInbox path2("c1", kKey, &gate);
        const QByteArray first = datagram("s2", 1, 1);
        QCOMPARE(path1.take(first, "s2", kT0, nullptr), Verdict::Accepted);
        QCOMPARE(path2.take(first, "s2", kT0 + 2ms, nullptr), Verdict::Accepted);
        QCOMPARE(path2.take(first, "s2", kT0 + 3ms, nullptr), Verdict::Replayed);
        const QByteArray second = datagram("s2", 1, 2);
        QCOMPARE(path1.take(second, "s2", kT0 + 1000ms, nullptr), Verdict::Accepted);
        // Path 2 never got its copy; an attacker replays path 1's a second later.
        QCOMPARE(path2.take(second, "s2", kT0 + 2000ms, nullptr), Verdict::Replayed);
        QCOMPARE(path2.counters().replayed, quint64(2));
    }
};

QTEST_GUILESS_MAIN(TestReplayGuard)
#include "tst_replay_guard.moc"
