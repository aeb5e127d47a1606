// PingProber in a private network namespace of its own: only the loopback
// interface exists, so no echo can leave the machine. 127.0.0.1 answers while lo
// is up; 198.18.77.77 has no route and never answers.

#include "PingProber.h"

#include <QElapsedTimer>
#include <QSignalSpy>
#include <QTest>

#include <net/if.h>
#include <sched.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

using lifeline::np::PingProber;

namespace {

bool setLoopbackUp(bool up) {
    const int fd = ::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return false;
    ifreq ifr{};
    std::strncpy(ifr.ifr_name, "lo", IFNAMSIZ - 1);
    bool ok = ::ioctl(fd, SIOCGIFFLAGS, &ifr) == 0;
    if (ok) {
        ifr.ifr_flags = up ? (ifr.ifr_flags | IFF_UP) : (ifr.ifr_flags & ~IFF_UP);
        ok = ::ioctl(fd, SIOCSIFFLAGS, &ifr) == 0;
    }
    ::close(fd);
    return ok;
}

} // namespace

class TestPingProber : public QObject {
    Q_OBJECT
private slots:
    void initTestCase() {
        if (geteuid() != 0)
            QSKIP("needs root: the test pings from a network namespace of its own");
        QVERIFY2(::unshare(CLONE_NEWNET) == 0, "unshare(CLONE_NEWNET) failed");
        QVERIFY(setLoopbackUp(true));
    }

    void reachableTargetIsSeenAndChecked() {
        PingProber prober({QHostAddress("127.0.0.1")}, 100, 200, 2);
        QSignalSpy changed(&prober, &PingProber::reachabilityChanged);
        QString error;
        QVERIFY2(prober.start(&error), qPrintable(error));
        QTRY_VERIFY_WITH_TIMEOUT(prober.anyReachable(), 2000);
        QCOMPARE(changed.first().first().toBool(), true);
        std::optional<bool> result;
        prober.checkNow(500, [&](bool ok) { result = ok; });
        QTRY_VERIFY_WITH_TIMEOUT(result.has_value(), 2000);
        QVERIFY(*result);
    }

    void silentTargetFailsTheCheckAfterItsTimeout() {
        PingProber prober({QHostAddress("198.18.77.77")}, 100, 200, 2);
        QString error;
        QVERIFY2(prober.start(&error), qPrintable(error));
        std::optional<bool> result;
        QElapsedTimer clock;
        clock.start();
        prober.checkNow(300, [&](bool ok) { result = ok; });
        QTRY_VERIFY_WITH_TIMEOUT(result.has_value(), 3000);
        QVERIFY(!*result);
        QVERIFY2(clock.elapsed() >= 290, qPrintable(QString::number(clock.elapsed())));
        QVERIFY(!prober.anyReachable());
    }

    void anyTargetAnsweringIsEnough() {
        PingProber prober({QHostAddress("198.18.77.77"), QHostAddress("127.0.0.1")}, 100, 200, 2);
        QString error;
        QVERIFY2(prober.start(&error), qPrintable(error));
        QTRY_VERIFY_WITH_TIMEOUT(prober.anyReachable(), 2000);
    }

    // A target that stops answering is unreachable after `retry` misses, and the
    // history still says it was reachable before.
    void lossIsDetectedAndRemembered() {
        PingProber prober({QHostAddress("127.0.0.1")}, 50, 100, 3);
        QString error;
        QVERIFY2(prober.start(&error), qPrintable(error));
        QTRY_VERIFY_WITH_TIMEOUT(prober.anyReachable(), 2000);
        const qint64 whileUp = PingProber::nowMs();
        QVERIFY(setLoopbackUp(false));
        QTRY_VERIFY_WITH_TIMEOUT(!prober.anyReachable(), 3000);
        QVERIFY(prober.wasReachableAt(whileUp));
        QVERIFY(!prober.wasReachableAt(PingProber::nowMs()));
        std::optional<bool> result;
        prober.checkNow(200, [&](bool ok) { result = ok; });
        QTRY_VERIFY_WITH_TIMEOUT(result.has_value(), 2000);
        QVERIFY(!*result);
        QVERIFY(setLoopbackUp(true));
        QTRY_VERIFY_WITH_TIMEOUT(prober.anyReachable(), 2000);
    }
};

QTEST_GUILESS_MAIN(TestPingProber)
#include "tst_ping_prober.moc"
