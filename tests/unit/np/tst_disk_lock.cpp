// disknp: the lock record codec, and two DiskLocks on two loop devices over one image (two
// hosts seeing one LUN): a free lock is taken, a renewed one is not, a race has exactly one
// winner, a stale one is taken after the lease, a holder that is overtaken says so, and a
// failing disk fails the attempt and is reported. The loop devices need root; without it
// those cases are skipped.

#include "DiskLock.h"
#include "DiskLockRecord.h"
#include "LoopDevice.h"

#include <QElapsedTimer>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

using namespace lifeline::np;

namespace {

constexpr int kRenewMs = 50;
constexpr int kLeaseMs = 500;
constexpr int kIoTimeoutMs = 100;
constexpr quint64 kCluster = 0x1122334455667788ull;
const QByteArray kKey = QByteArrayLiteral("test key of the disknp unit test"); // test only

struct Attempt {
    bool done = false, won = false;
    QString reason;
};

} // namespace

class TestDiskLock : public QObject {
    Q_OBJECT

    QTemporaryDir dir_;
    QString image_;
    std::unique_ptr<LoopDevice> loopA_, loopB_;

    // Skips when loop devices cannot be made here.
    QString setUpDisk() {
        image_ = dir_.filePath(QStringLiteral("shared-%1.img").arg(QTest::currentTestFunction()));
        QFile f(image_);
        if (!f.open(QIODevice::WriteOnly) || !f.resize(16 * 1024 * 1024))
            return QStringLiteral("cannot make %1").arg(image_);
        f.close();
        QString why;
        loopA_ = LoopDevice::attach(image_, &why);
        if (loopA_)
            loopB_ = LoopDevice::attach(image_, &why);
        return loopA_ && loopB_ ? QString() : why;
    }

    std::unique_ptr<DiskLock> makeLock(int slot) {
        DiskLock::Settings s;
        s.name = QStringLiteral("disknp1");
        s.device = (slot == 0 ? loopA_ : loopB_)->path();
        s.description = s.device;
        s.localSlot = slot;
        s.slotNames = {QStringLiteral("s1"), QStringLiteral("s2")};
        s.clusterId = kCluster;
        s.key = kKey;
        s.incarnation = 1000 + quint64(slot);
        s.renewMs = kRenewMs;
        s.leaseMs = kLeaseMs;
        s.ioTimeoutMs = kIoTimeoutMs;
        s.checkMs = 100;
        auto lock = std::make_unique<DiskLock>(s);
        lock->start();
        return lock;
    }

    static void acquire(DiskLock& lock, Attempt* a, int delayMs = 0) {
        *a = Attempt{};
        lock.acquire(delayMs, [a](bool won, const QString& reason) {
            a->done = true;
            a->won = won;
            a->reason = reason;
        });
    }

    // Writes a record straight into the image, as another (possibly dead) server would have.
    void writeRecord(const DiskLockRecord& r) {
        QByteArray block(DiskLockRecord::kMinBlockBytes, '\0');
        QVERIFY(r.encode(block.data(), int(block.size()), kKey));
        QFile f(image_);
        QVERIFY(f.open(QIODevice::ReadWrite));
        QVERIFY(f.seek(DiskLockRecord::kOffset));
        QCOMPARE(f.write(block), block.size());
        f.close();
    }

    DiskLockRecord readRecord(DiskLockRecord::Result* result) {
        QFile f(image_);
        DiskLockRecord r;
        if (!f.open(QIODevice::ReadOnly) || !f.seek(DiskLockRecord::kOffset)) {
            *result = DiskLockRecord::Result::NotALock;
            return r;
        }
        const QByteArray block = f.read(DiskLockRecord::kMinBlockBytes);
        *result = DiskLockRecord::decode(block.constData(), int(block.size()), kCluster, kKey, &r);
        return r;
    }

#define REQUIRE_DISK()                                                                             \
    do {                                                                                           \
        if (const QString why = setUpDisk(); !why.isEmpty())                                       \
            QSKIP(qPrintable(why));                                                                \
    } while (false)

private slots:
    void recordRoundTripsAndRefusesWhatItMust() {
        DiskLockRecord r;
        r.clusterId = kCluster;
        r.owner = 1;
        r.incarnation = 42;
        r.epoch = 7;
        r.counter = 9;
        QByteArray block(4096, '\0');
        QVERIFY(r.encode(block.data(), 4096, kKey));
        DiskLockRecord out;
        QCOMPARE(DiskLockRecord::decode(block.constData(), 4096, kCluster, kKey, &out),
                 DiskLockRecord::Result::Ok);
        QVERIFY(out.sameClaim(r));
        QCOMPARE(out.counter, 9ull);
        QCOMPARE(DiskLockRecord::decode(block.constData(), 4096, kCluster + 1, kKey, &out),
                 DiskLockRecord::Result::ForeignCluster);
        QCOMPARE(DiskLockRecord::decode(block.constData(), 4096, kCluster, "another key", &out),
                 DiskLockRecord::Result::Forged);
        QByteArray tampered = block;
        tampered[19] = char(0); // owner 1 -> 0: take the lock without the key
        QCOMPARE(DiskLockRecord::decode(tampered.constData(), 4096, kCluster, kKey, &out),
                 DiskLockRecord::Result::Forged);
        const QByteArray zero(4096, '\0');
        QCOMPARE(DiskLockRecord::decode(zero.constData(), 4096, kCluster, kKey, &out),
                 DiskLockRecord::Result::Empty);
        const QByteArray junk(4096, 'x');
        QCOMPARE(DiskLockRecord::decode(junk.constData(), 4096, kCluster, kKey, &out),
                 DiskLockRecord::Result::NotALock);
        QVERIFY(!r.encode(block.data(), 4096, QByteArray())); // never unsigned
    }

    void freeLockIsTakenAndARenewedOneIsNot() {
        REQUIRE_DISK();
        auto a = makeLock(0), b = makeLock(1);
        Attempt ra, rb;
        acquire(*a, &ra);
        QTRY_VERIFY_WITH_TIMEOUT(ra.done, 5000);
        QVERIFY2(ra.won, qPrintable(ra.reason));
        QCOMPARE(ra.reason, QStringLiteral("taken: it was free"));
        QVERIFY(a->held());
        // The holder renews: the counter moves on disk.
        DiskLockRecord::Result result;
        const auto first = readRecord(&result);
        QCOMPARE(result, DiskLockRecord::Result::Ok);
        QCOMPARE(first.owner, 0);
        QTRY_VERIFY_WITH_TIMEOUT(readRecord(&result).counter > first.counter + 2, 2000);
        // So the other server cannot take it, and learns so within a few renewals.
        QElapsedTimer t;
        t.start();
        acquire(*b, &rb);
        QTRY_VERIFY_WITH_TIMEOUT(rb.done, 5000);
        QVERIFY(!rb.won);
        QCOMPARE(rb.reason, QStringLiteral("held by s1, which renews it"));
        QVERIFY2(t.elapsed() < kLeaseMs, qPrintable(QString::number(t.elapsed())));
        QVERIFY(a->held());
        QVERIFY(!b->held());
        // Asking again while holding it: won at once.
        acquire(*a, &ra);
        QTRY_VERIFY_WITH_TIMEOUT(ra.done, 5000);
        QVERIFY(ra.won);
    }

    void releasedLockIsTakenWithoutWaitingForTheLease() {
        REQUIRE_DISK();
        auto a = makeLock(0), b = makeLock(1);
        Attempt ra, rb;
        acquire(*a, &ra);
        QTRY_VERIFY_WITH_TIMEOUT(ra.done, 5000);
        QVERIFY(ra.won);
        a->release();
        DiskLockRecord::Result result;
        QTRY_VERIFY_WITH_TIMEOUT(readRecord(&result).free() && result == DiskLockRecord::Result::Ok, 2000);
        QVERIFY(!a->held());
        QElapsedTimer t;
        t.start();
        acquire(*b, &rb);
        QTRY_VERIFY_WITH_TIMEOUT(rb.done, 5000);
        QVERIFY2(rb.won, qPrintable(rb.reason));
        QVERIFY2(t.elapsed() < kLeaseMs, qPrintable(QString::number(t.elapsed())));
    }

    // Both servers try at once, round after round: never two holders, and someone wins.
    void raceHasExactlyOneWinner() {
        REQUIRE_DISK();
        auto a = makeLock(0), b = makeLock(1);
        int winsA = 0, winsB = 0;
        for (int round = 0; round < 8; ++round) {
            Attempt ra, rb;
            acquire(*a, &ra, round % 3 == 1 ? 5 : 0);
            acquire(*b, &rb, round % 3 == 2 ? 5 : 0);
            QTRY_VERIFY_WITH_TIMEOUT(ra.done && rb.done, 5000);
            QVERIFY2(ra.won != rb.won, qPrintable(QString("round %1: s1 %2 (%3), s2 %4 (%5)")
                                                      .arg(round).arg(ra.won).arg(ra.reason)
                                                      .arg(rb.won).arg(rb.reason)));
            QCOMPARE(a->held(), ra.won);
            QCOMPARE(b->held(), rb.won);
            (ra.won ? winsA : winsB)++;
            (ra.won ? a : b)->release();
            DiskLockRecord::Result result;
            QTRY_VERIFY_WITH_TIMEOUT(readRecord(&result).free(), 2000);
        }
        qInfo("s1 won %d rounds, s2 %d", winsA, winsB);
    }

    void staleLockIsTakenAfterTheLease() {
        REQUIRE_DISK();
        DiskLockRecord dead;
        dead.clusterId = kCluster;
        dead.owner = 0; // s1, which died holding it
        dead.incarnation = 5;
        dead.epoch = 3;
        dead.counter = 17;
        writeRecord(dead);
        auto b = makeLock(1);
        QElapsedTimer t;
        t.start();
        Attempt rb;
        acquire(*b, &rb);
        QTRY_VERIFY_WITH_TIMEOUT(rb.done, 5000);
        QVERIFY2(rb.won, qPrintable(rb.reason));
        QVERIFY2(t.elapsed() >= kLeaseMs, qPrintable(QString::number(t.elapsed())));
        QCOMPARE(rb.reason, QStringLiteral("taken: s1 did not renew it for %1 ms").arg(kLeaseMs));
        DiskLockRecord::Result result;
        const auto now = readRecord(&result);
        QCOMPARE(now.owner, 1);
        QCOMPARE(now.epoch, 4ull);
    }

    void holderThatIsOvertakenSaysSo() {
        REQUIRE_DISK();
        auto a = makeLock(0);
        QSignalSpy lost(a.get(), &DiskLock::lost);
        Attempt ra;
        acquire(*a, &ra);
        QTRY_VERIFY_WITH_TIMEOUT(ra.done, 5000);
        QVERIFY(ra.won);
        DiskLockRecord::Result result;
        auto taken = readRecord(&result);
        taken.owner = 1; // s2 claimed it after a (simulated) stall of s1 longer than the lease
        taken.incarnation = 77;
        taken.epoch += 1;
        taken.counter = 1;
        // The new holder renews, as a real one does: a single write can fall between the old
        // holder's read and its renewal write and be overwritten (a real claimant rereads
        // after its wait and would see that).
        QElapsedTimer clock;
        clock.start();
        while (lost.isEmpty() && clock.elapsed() < 2000) {
            writeRecord(taken);
            ++taken.counter;
            QTest::qWait(kRenewMs / 2);
        }
        QCOMPARE(lost.count(), 1);
        QVERIFY2(lost.at(0).at(0).toString().startsWith("s2 took the disk lock"),
                 qPrintable(lost.at(0).at(0).toString()));
        QVERIFY(!a->held());
        // Once it knows, it never writes over the new holder again.
        const auto last = readRecord(&result);
        QTest::qWait(3 * kRenewMs);
        QCOMPARE(readRecord(&result).owner, 1);
        QCOMPARE(readRecord(&result).counter, last.counter);
    }

    void failingDiskFailsTheAttemptAndIsReported() {
        REQUIRE_DISK();
        auto b = makeLock(1);
        QSignalSpy health(b.get(), &DiskLock::healthChanged);
        // Take and give back the lock first, so that the device is open before it turns
        // read-only: the attempt below then reads and fails only at its write.
        Attempt rb;
        acquire(*b, &rb);
        QTRY_VERIFY_WITH_TIMEOUT(rb.done, 5000);
        QVERIFY2(rb.won, qPrintable(rb.reason));
        b->release();
        DiskLockRecord::Result result;
        QTRY_VERIFY_WITH_TIMEOUT(readRecord(&result).free() && result == DiskLockRecord::Result::Ok, 2000);
        QVERIFY(loopB_->setReadOnly(true)); // writes fail with EPERM from now on
        acquire(*b, &rb);
        QTRY_VERIFY_WITH_TIMEOUT(rb.done, 5000);
        QVERIFY(!rb.won);
        QVERIFY2(rb.reason.contains("cannot write the disk lock on " + loopB_->path()),
                 qPrintable(rb.reason));
        QTRY_VERIFY_WITH_TIMEOUT(!health.isEmpty(), 2000);
        QCOMPARE(health.at(0).at(0).toBool(), false);
        QVERIFY(!b->healthy());
        QVERIFY(loopB_->setReadOnly(false));
        // The idle path check only reads; the next attempt writes and reports the path back.
        acquire(*b, &rb);
        QTRY_VERIFY_WITH_TIMEOUT(rb.done, 5000);
        QVERIFY2(rb.won, qPrintable(rb.reason));
        QTRY_VERIFY_WITH_TIMEOUT(health.count() >= 2, 2000);
        QCOMPARE(health.last().at(0).toBool(), true);
        QVERIFY(b->healthy());
    }

    void missingDeviceFailsTheAttemptAtOnce() {
        DiskLock::Settings s;
        s.name = QStringLiteral("disknp1");
        s.device = dir_.filePath(QStringLiteral("missing"));
        s.description = s.device;
        s.key = kKey;
        s.renewMs = kRenewMs;
        s.leaseMs = kLeaseMs;
        s.ioTimeoutMs = kIoTimeoutMs;
        DiskLock lock(s);
        QCOMPARE(lock.acquireLimitMs(), kLeaseMs + kRenewMs + 4 * kIoTimeoutMs);
        lock.start();
        Attempt r;
        acquire(lock, &r);
        QTRY_VERIFY_WITH_TIMEOUT(r.done, 5000);
        QVERIFY(!r.won);
        QVERIFY2(r.reason.contains("cannot open"), qPrintable(r.reason));
    }
};

QTEST_GUILESS_MAIN(TestDiskLock)
#include "tst_disk_lock.moc"
