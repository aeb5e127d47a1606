// The membership rules on a fake monotonic clock: Unknown/Up/Down, path states, leaving,
// restarts, the local end of a path, the timeout ratio.

#include "MembershipTracker.h"

#include <QTest>

using namespace lifeline::cluster;
using namespace std::chrono_literals;
using Kind = MembershipEvent::Kind;
using Clock = MembershipTracker::Clock;

namespace lifeline::cluster {
// Readable QCOMPARE failures.
char* toString(PeerStatus status) {
    return qstrdup(qPrintable(describe(status)));
}
char* toString(PathStatus status) {
    return qstrdup(qPrintable(describe(status)));
}
} // namespace lifeline::cluster

namespace {

const Clock::time_point kT0{};

// s2 is on both paths, s3 only on hb1.
MembershipTracker makeTracker() {
    return MembershipTracker({"s2", "s3"}, {{"hb1", {"s2", "s3"}}, {"hb2", {"s2"}}}, 500ms, kT0);
}

QString text(const QList<MembershipEvent>& events) {
    const QStringList causes{"", " graceful", " restarted", " never heard"};
    QStringList parts;
    for (const auto& e : events) {
        switch (e.kind) {
        case Kind::PeerUp:
            parts << QStringLiteral("up %1").arg(e.peer);
            break;
        case Kind::PeerDown:
            parts << QStringLiteral("down %1%2").arg(e.peer, causes[int(e.cause)]);
            break;
        case Kind::PathChanged:
            parts
                << QStringLiteral("%1 %2 %3").arg(e.peer, e.path, e.normal ? "normal" : "offline");
            break;
        }
    }
    return parts.join(", ");
}

} // namespace

class TestMembershipTracker : public QObject {
    Q_OBJECT
private slots:
    void layout() {
        const auto tracker = makeTracker();
        QCOMPARE(tracker.peers(), QStringList({"s2", "s3"}));
        QCOMPARE(tracker.paths(), QStringList({"hb1", "hb2"}));
        QCOMPARE(tracker.pathsOf("s3"), QStringList{"hb1"});
        QCOMPARE(tracker.peersOn("hb2"), QStringList{"s2"});
        QCOMPARE(tracker.peerStatus("s2"), PeerStatus::Unknown);
        QCOMPARE(tracker.pathStatus("s2", "hb1"), PathStatus::Unknown);
    }

    void unknownUntilHeardOrTimeout() {
        auto tracker = makeTracker();
        QCOMPARE(text(tracker.expire(kT0 + 499ms)), QString());
        QCOMPARE(text(tracker.heard("s2", "hb1", 1, 1, false, kT0 + 499ms)),
                 QString("s2 hb1 normal, up s2"));
        QCOMPARE(text(tracker.expire(kT0 + 500ms)),
                 QString("s2 hb2 offline, s3 hb1 offline, down s3 never heard"));
        QCOMPARE(tracker.peerStatus("s2"), PeerStatus::Up);
        QCOMPARE(tracker.peerStatus("s3"), PeerStatus::Down);
        QVERIFY(!tracker.peerLeft("s3"));
    }

    // The heartbeat thread judges the next timeout when it ends: nextExpiry() must name the
    // moment expire() first reports something, and nothing earlier.
    void nextExpiryIsWhenExpireNextReports() {
        auto tracker = makeTracker();
        QCOMPARE(tracker.nextExpiry(), std::optional(kT0 + 500ms)); // the start-up timeout
        tracker.heard("s2", "hb1", 1, 1, false, kT0 + 10ms);
        tracker.heard("s2", "hb2", 1, 1, false, kT0 + 20ms);
        tracker.heard("s3", "hb1", 1, 1, false, kT0 + 30ms);
        QCOMPARE(tracker.nextExpiry(), std::optional(kT0 + 510ms)); // s2 on hb1
        tracker.heard("s2", "hb1", 1, 2, false, kT0 + 110ms);
        QCOMPARE(tracker.nextExpiry(), std::optional(kT0 + 520ms)); // s2 on hb2
        QVERIFY(tracker.keepAlive("s2", "hb2", 1, kT0 + 200ms)); // the kernel's answer counts
        QCOMPARE(tracker.nextExpiry(), std::optional(kT0 + 530ms)); // s3 on hb1
        QCOMPARE(text(tracker.expire(kT0 + 529ms)), QString());
        QCOMPARE(text(tracker.expire(kT0 + 530ms)), QString("s3 hb1 offline, down s3"));
        QCOMPARE(tracker.nextExpiry(), std::optional(kT0 + 610ms)); // s3 no longer counts
        tracker.expire(kT0 + 700ms);
        QCOMPARE(tracker.nextExpiry(), std::optional<Clock::time_point>()); // all down: nothing waits
    }

    void downExactlyWhenEveryPathTimedOut() {
        auto tracker = makeTracker();
        tracker.heard("s2", "hb1", 1, 1, false, kT0);
        tracker.heard("s2", "hb2", 1, 1, false, kT0 + 1ms);
        tracker.heard("s2", "hb1", 1, 2, false, kT0 + 100ms);
        QCOMPARE(text(tracker.expire(kT0 + 500ms)), QString("s3 hb1 offline, down s3 never heard"));
        QCOMPARE(text(tracker.expire(kT0 + 501ms)), QString("s2 hb2 offline"));
        QCOMPARE(tracker.peerStatus("s2"), PeerStatus::Up); // still heard on hb1
        QCOMPARE(text(tracker.expire(kT0 + 599ms)), QString());
        QCOMPARE(text(tracker.expire(kT0 + 600ms)), QString("s2 hb1 offline, down s2"));
        QCOMPARE(tracker.pathStatus("s2", "hb1"), PathStatus::Offline);
        QCOMPARE(text(tracker.expire(kT0 + 5s)), QString()); // reported once
        // It comes back (a path recovers).
        QCOMPARE(text(tracker.heard("s2", "hb2", 1, 40, false, kT0 + 6s)),
                 QString("s2 hb2 normal, up s2"));
        QCOMPARE(tracker.lastHeard("s2", "hb2"), std::optional(kT0 + 6s));
    }

    void leavingIsGracefulAndOlderPacketsCannotRevive() {
        auto tracker = makeTracker();
        tracker.heard("s2", "hb1", 7, 10, false, kT0);
        tracker.heard("s2", "hb2", 7, 10, false, kT0);
        QCOMPARE(text(tracker.heard("s2", "hb1", 7, 11, true, kT0 + 50ms)),
                 QString("s2 hb1 offline, s2 hb2 offline, down s2 graceful"));
        QVERIFY(tracker.peerLeft("s2"));
        // The second leaving packet, and the copy of an earlier packet still in flight on hb2.
        QCOMPARE(text(tracker.heard("s2", "hb1", 7, 12, true, kT0 + 51ms)), QString());
        bool current = true;
        QCOMPARE(text(tracker.heard("s2", "hb2", 7, 10, false, kT0 + 52ms, &current)), QString());
        QVERIFY(!current);
        QCOMPARE(text(tracker.expire(kT0 + 10s)), QString("s3 hb1 offline, down s3 never heard"));
        QVERIFY(tracker.peerLeft("s2"));
        // Started again (same process): newer packets bring it back.
        QCOMPARE(text(tracker.heard("s2", "hb2", 7, 13, false, kT0 + 11s, &current)),
                 QString("s2 hb2 normal, up s2"));
        QVERIFY(current);
        QVERIFY(!tracker.peerLeft("s2"));
    }

    void leavingBeforeEverHeard() {
        auto tracker = makeTracker();
        QCOMPARE(text(tracker.heard("s3", "hb1", 1, 5, true, kT0)),
                 QString("s3 hb1 offline, down s3 graceful"));
    }

    void restartWithinTheTimeoutIsDownThenUp() {
        auto tracker = makeTracker();
        tracker.heard("s2", "hb1", 100, 50, false, kT0);
        QCOMPARE(text(tracker.heard("s2", "hb1", 200, 1, false, kT0 + 100ms)),
                 QString("down s2 restarted, up s2"));
        QCOMPARE(tracker.incarnation("s2"), std::optional<quint64>(200));
        bool current = true;
        QCOMPARE(text(tracker.heard("s2", "hb2", 100, 51, false, kT0 + 101ms, &current)),
                 QString());
        QVERIFY(!current); // the old process
        QCOMPARE(tracker.pathStatus("s2", "hb2"), PathStatus::Unknown);
    }

    void restartAfterLeavingIsJustUp() {
        auto tracker = makeTracker();
        tracker.heard("s2", "hb1", 100, 50, false, kT0);
        tracker.heard("s2", "hb1", 100, 51, true, kT0 + 10ms);
        QCOMPARE(text(tracker.heard("s2", "hb1", 200, 1, false, kT0 + 100ms)),
                 QString("s2 hb1 normal, up s2"));
    }

    void unknownPeersAndPathsAreIgnored() {
        auto tracker = makeTracker();
        bool current = true;
        QCOMPARE(text(tracker.heard("s9", "hb1", 1, 1, false, kT0, &current)), QString());
        QVERIFY(!current);
        QCOMPARE(text(tracker.heard("s3", "hb2", 1, 1, false, kT0, &current)), QString());
        QVERIFY(!current); // s3 is not on hb2
    }

    void localEndOfAPath() {
        auto tracker = makeTracker();
        QVERIFY(tracker.localPathNormal("hb1")); // nothing known yet
        tracker.heard("s2", "hb1", 1, 1, false, kT0);
        QVERIFY(tracker.localPathNormal("hb1"));
        QVERIFY(!tracker.localPathNormal("hb2")); // s2 is up but silent on hb2
        tracker.heard("s2", "hb2", 1, 2, false, kT0 + 1ms);
        QVERIFY(tracker.localPathNormal("hb2"));
        tracker.expire(kT0 + 1s);
        // Every peer down: no evidence against our end.
        QVERIFY(tracker.localPathNormal("hb1"));
        QVERIFY(tracker.localPathNormal("hb2"));
        MembershipTracker alone({}, {{"hb1", {}}}, 500ms, kT0);
        QVERIFY(alone.localPathNormal("hb1"));
    }

    void timeoutCanChange() {
        auto tracker = makeTracker();
        tracker.heard("s2", "hb1", 1, 1, false, kT0);
        tracker.heard("s2", "hb2", 1, 1, false, kT0);
        tracker.heard("s3", "hb1", 1, 1, false, kT0);
        tracker.setTimeout(1000ms);
        QCOMPARE(text(tracker.expire(kT0 + 999ms)), QString());
        tracker.setTimeout(200ms);
        QCOMPARE(text(tracker.expire(kT0 + 999ms)),
                 QString("s2 hb1 offline, s2 hb2 offline, down s2, s3 hb1 offline, down s3"));
    }

    // lankhb: the peer's kernel still ACKs while its process is stopped.
    void kernelAnswersKeepANormalPathNormal() {
        auto tracker = makeTracker();
        tracker.heard("s2", "hb1", 7, 1, false, kT0);
        tracker.heard("s2", "hb2", 7, 1, false, kT0);
        QVERIFY(tracker.keepAlive("s2", "hb2", 7, kT0 + 400ms));
        QVERIFY(tracker.keepAlive("s2", "hb2", 7, kT0 + 300ms)); // older: counts, changes nothing
        QCOMPARE(text(tracker.expire(kT0 + 500ms)),
                 QString("s2 hb1 offline, s3 hb1 offline, down s3 never heard"));
        QCOMPARE(tracker.peerStatus("s2"), PeerStatus::Up);
        QCOMPARE(tracker.lastHeard("s2", "hb2"), kT0); // the last packet, not the last answer
        QVERIFY(tracker.keepAlive("s2", "hb2", 7, kT0 + 850ms));
        QCOMPARE(text(tracker.expire(kT0 + 1349ms)), QString());
        // The proof is as old as the answer, not as its report.
        QCOMPARE(text(tracker.expire(kT0 + 1350ms)), QString("s2 hb2 offline, down s2"));
    }

    void kernelAnswersNeverReviveNorCountForAnotherIncarnation() {
        auto tracker = makeTracker();
        QVERIFY(!tracker.keepAlive("s2", "hb1", 7, kT0)); // Unknown: a packet must come first
        QCOMPARE(tracker.pathStatus("s2", "hb1"), PathStatus::Unknown);
        tracker.heard("s2", "hb1", 7, 1, false, kT0);
        QVERIFY(!tracker.keepAlive("s2", "hb1", 6, kT0 + 400ms)); // the old process's connection
        QVERIFY(!tracker.keepAlive("s2", "hb1", 8, kT0 + 400ms)); // not heard yet
        QVERIFY(!tracker.keepAlive("s2", "hb2", 7, kT0 + 400ms)); // hb2 never heard
        QVERIFY(!tracker.keepAlive("nobody", "hb1", 7, kT0 + 400ms));
        QVERIFY(!tracker.keepAlive("s3", "hb2", 7, kT0 + 400ms)); // s3 is not on hb2
        QCOMPARE(
            text(tracker.expire(kT0 + 500ms)),
            QString(
                "s2 hb1 offline, s2 hb2 offline, down s2, s3 hb1 offline, down s3 never heard"));
        QVERIFY(!tracker.keepAlive("s2", "hb1", 7, kT0 + 600ms)); // Offline: stays Offline
        QCOMPARE(text(tracker.expire(kT0 + 700ms)), QString());
        QCOMPARE(tracker.peerStatus("s2"), PeerStatus::Down);
        // Leaving: the paths are Offline at once and an answer cannot undo it.
        tracker.heard("s2", "hb1", 7, 2, false, kT0 + 800ms);
        tracker.heard("s2", "hb1", 7, 3, true, kT0 + 900ms);
        QVERIFY(!tracker.keepAlive("s2", "hb1", 7, kT0 + 950ms));
        QVERIFY(tracker.peerLeft("s2"));
    }
};

QTEST_GUILESS_MAIN(TestMembershipTracker)
#include "tst_membership_tracker.moc"
