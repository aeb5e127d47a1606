// PartitionResolver: settles, merges losses, checks ping afresh, then decides; and the early
// isolation check that IsolationWatch asks for before the heartbeat timeout.
// Ping cases run in a private network namespace (only lo), like tst_ping_prober.

#include "IsolationWatch.h"
#include "PartitionResolver.h"

#include <QElapsedTimer>
#include <QSignalSpy>
#include <QTest>

#include <net/if.h>
#include <sched.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

using namespace lifeline;
using np::PartitionResolver;
using np::PingProber;

Q_DECLARE_METATYPE(lifeline::policy::PartitionDecision)

namespace {

bool loopbackUp() {
    const int fd = ::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    ifreq ifr{};
    std::strncpy(ifr.ifr_name, "lo", IFNAMSIZ - 1);
    bool ok = fd >= 0 && ::ioctl(fd, SIOCGIFFLAGS, &ifr) == 0;
    ifr.ifr_flags |= IFF_UP;
    ok = ok && ::ioctl(fd, SIOCSIFFLAGS, &ifr) == 0;
    if (fd >= 0)
        ::close(fd);
    return ok;
}

PartitionResolver::Settings settings(QStringList servers, QString local) {
    return {std::move(servers), std::move(local), 150, 300};
}

} // namespace

class TestPartitionResolver : public QObject {
    Q_OBJECT
private slots:
    void initTestCase() {
        qRegisterMetaType<policy::PartitionDecision>();
        if (geteuid() == 0 && ::unshare(CLONE_NEWNET) == 0)
            QVERIFY(loopbackUp());
    }

    void waitsForTheViewToSettle() {
        QStringList reachable{"s2"};
        PartitionResolver r(settings({"s1", "s2", "s3"}, "s1"), nullptr, nullptr, [&] { return reachable; });
        QSignalSpy spy(&r, &PartitionResolver::resolved);
        QElapsedTimer clock;
        clock.start();
        r.peerLost("s3", PingProber::nowMs());
        QVERIFY(r.busy());
        QTRY_COMPARE_WITH_TIMEOUT(spy.size(), 1, 2000);
        QVERIFY(clock.elapsed() >= 140);
        const auto d = spy[0][0].value<policy::PartitionDecision>();
        QCOMPARE(d.verdict, policy::Verdict::Survive);
        QCOMPARE(spy[0][1].toStringList(), QStringList{"s3"});
        QVERIFY(!r.busy());
    }

    // In a 2+1 split the single server sees both peers go, one after the other;
    // the decision counts them both.
    void lossesWithinTheSettleTimeAreDecidedTogether() {
        QStringList reachable{"s1", "s2"};
        PartitionResolver r(settings({"s1", "s2", "s3"}, "s3"), nullptr, nullptr, [&] { return reachable; });
        QSignalSpy spy(&r, &PartitionResolver::resolved);
        r.peerLost("s1", PingProber::nowMs());
        reachable.removeAll("s1");
        QTest::qWait(50); // the second peer times out a little later (part of the scenario)
        r.peerLost("s2", PingProber::nowMs());
        reachable.removeAll("s2");
        QTRY_COMPARE_WITH_TIMEOUT(spy.size(), 1, 2000);
        QCOMPARE(spy[0][0].value<policy::PartitionDecision>().verdict, policy::Verdict::Isolated);
        QCOMPARE(spy[0][1].toStringList(), QStringList({"s1", "s2"}));
    }

    // With every other server lost there is nothing to settle: the decision comes at once.
    void twoServersDecideWithoutSettling() {
        PartitionResolver r(settings({"s1", "s2"}, "s1"), nullptr, nullptr, [] { return QStringList{}; });
        QSignalSpy spy(&r, &PartitionResolver::resolved);
        QElapsedTimer clock;
        clock.start();
        r.peerLost("s2", PingProber::nowMs());
        QTRY_COMPARE_WITH_TIMEOUT(spy.size(), 1, 2000);
        QVERIFY2(clock.elapsed() < 140, qPrintable(QString::number(clock.elapsed())));
    }

    void aPeerThatComesBackCancels() {
        PartitionResolver r(settings({"s1", "s2"}, "s1"), nullptr, nullptr, [] { return QStringList{}; });
        QSignalSpy spy(&r, &PartitionResolver::resolved);
        r.peerLost("s2", PingProber::nowMs());
        r.peerBack("s2");
        QVERIFY(!r.busy());
        QVERIFY(!QTest::qWaitFor([&] { return spy.size() > 0; }, 400));
    }

    void noPingMeansNoResolutionForTwo() {
        PartitionResolver r(settings({"s1", "s2"}, "s1"), nullptr, nullptr, [] { return QStringList{}; });
        QSignalSpy spy(&r, &PartitionResolver::resolved);
        r.peerLost("s2", PingProber::nowMs());
        QTRY_COMPARE_WITH_TIMEOUT(spy.size(), 1, 2000);
        QCOMPARE(spy[0][0].value<policy::PartitionDecision>().verdict, policy::Verdict::NoResolution);
    }

    void answeringPingTargetSurvives() {
        if (geteuid() != 0)
            QSKIP("needs root: pings from a private network namespace");
        PingProber prober({QHostAddress("127.0.0.1")}, 50, 100, 2);
        QString error;
        QVERIFY2(prober.start(&error), qPrintable(error));
        QTRY_VERIFY_WITH_TIMEOUT(prober.anyReachable(), 2000);
        PartitionResolver r(settings({"s1", "s2"}, "s1"), &prober, nullptr, [] { return QStringList{}; });
        QSignalSpy spy(&r, &PartitionResolver::resolved);
        r.peerLost("s2", PingProber::nowMs());
        QTRY_COMPARE_WITH_TIMEOUT(spy.size(), 1, 2000);
        const auto d = spy[0][0].value<policy::PartitionDecision>();
        QCOMPARE(d.verdict, policy::Verdict::Survive);
        QCOMPARE(d.method, QString("ping"));
    }

    void silentPingTargetIsolates() {
        if (geteuid() != 0)
            QSKIP("needs root: pings from a private network namespace");
        PingProber prober({QHostAddress("198.18.77.77")}, 50, 100, 2);
        QString error;
        QVERIFY2(prober.start(&error), qPrintable(error));
        PartitionResolver r(settings({"s1", "s2"}, "s2"), &prober, nullptr, [] { return QStringList{}; });
        QSignalSpy spy(&r, &PartitionResolver::resolved);
        r.peerLost("s1", PingProber::nowMs());
        QTRY_COMPARE_WITH_TIMEOUT(spy.size(), 1, 3000);
        const auto d = spy[0][0].value<policy::PartitionDecision>();
        QCOMPARE(d.verdict, policy::Verdict::Isolated);
        QVERIFY(d.pingTargetAlreadyLost); // it never answered
    }

    // Before the timeout, only a ping-decided isolation is said; a side that reaches a
    // target hears nothing, and the usual resolution is left to the timeout.
    void earlyCheckSaysIsolationOnly() {
        if (geteuid() != 0)
            QSKIP("needs root: pings from a private network namespace");
        PingProber silent({QHostAddress("198.18.77.77")}, 50, 100, 2);
        PingProber answering({QHostAddress("127.0.0.1")}, 50, 100, 2);
        QString error;
        QVERIFY2(silent.start(&error) && answering.start(&error), qPrintable(error));
        QTRY_VERIFY_WITH_TIMEOUT(answering.anyReachable(), 2000);
        PartitionResolver cut(settings({"s1", "s2"}, "s2"), &silent, nullptr, [] { return QStringList{"s1"}; });
        PartitionResolver fine(settings({"s1", "s2"}, "s1"), &answering, nullptr, [] { return QStringList{"s2"}; });
        QSignalSpy cutEarly(&cut, &PartitionResolver::isolatedEarly), fineEarly(&fine, &PartitionResolver::isolatedEarly);
        QSignalSpy cutResolved(&cut, &PartitionResolver::resolved), fineResolved(&fine, &PartitionResolver::resolved);
        const qint64 contact = PingProber::nowMs() - 300;
        cut.checkEarly({"s1"}, contact, 300);
        fine.checkEarly({"s2"}, contact, 300);
        QTRY_COMPARE_WITH_TIMEOUT(cutEarly.size(), 1, 2000);
        const auto d = cutEarly[0][0].value<policy::PartitionDecision>();
        QCOMPARE(d.verdict, policy::Verdict::Isolated);
        QCOMPARE(d.method, QString("ping"));
        QCOMPARE(cutEarly[0][1].toStringList(), QStringList{"s1"}); // silent, though still "up"
        QCOMPARE(cutEarly[0][2].toLongLong(), contact);
        QVERIFY(!QTest::qWaitFor([&] { return fineEarly.size() > 0; }, 500));
        QVERIFY(cutResolved.isEmpty() && fineResolved.isEmpty());
        QVERIFY(!cut.busy() && !fine.busy());
    }

    // The watch asks once per silent set, again only after the servers were heard, and not
    // before the check point.
    void watchChecksOncePerSilentSet() {
        if (geteuid() != 0)
            QSKIP("needs root: pings from a private network namespace");
        PingProber silent({QHostAddress("198.18.77.77")}, 50, 100, 2);
        QString error;
        QVERIFY2(silent.start(&error), qPrintable(error));
        PartitionResolver r(settings({"s1", "s2"}, "s2"), &silent, nullptr, [] { return QStringList{"s1"}; });
        QSignalSpy early(&r, &PartitionResolver::isolatedEarly);
        QHash<QString, qint64> silences{{"s1", 100}};
        np::IsolationWatch watch([&] { return silences; }, &r);
        watch.setCheck(policy::EarlyIsolationCheck{300, 600, 900});
        watch.start(10);
        QVERIFY(!QTest::qWaitFor([&] { return early.size() > 0; }, 400)); // 100 ms < 300 ms
        QVERIFY(!watch.stillSilent({"s1"}));
        silences["s1"] = 350;
        QVERIFY(watch.stillSilent({"s1"}));
        QElapsedTimer listening;
        listening.start();
        QTRY_COMPARE_WITH_TIMEOUT(early.size(), 1, 2000);
        QVERIFY(listening.elapsed() >= 240); // it listened until the decision was due (600 - 350)
        QVERIFY(!QTest::qWaitFor([&] { return early.size() > 1; }, 600)); // same set: once
        silences.clear(); // heard again
        QTest::qWait(30);
        silences["s1"] = 400;
        QTRY_COMPARE_WITH_TIMEOUT(early.size(), 2, 2000);
        watch.setCheck(std::nullopt); // no early check configured: nothing more
        silences.clear();
        QTest::qWait(30);
        silences["s1"] = 400;
        QVERIFY(!QTest::qWaitFor([&] { return early.size() > 2; }, 600));
    }
};

QTEST_GUILESS_MAIN(TestPartitionResolver)
#include "tst_partition_resolver.moc"
