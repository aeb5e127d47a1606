// diskhb: the slot codec, set-up from the configuration, and two drivers (or two heartbeat
// managers) on two loop devices over one sparse file, as two hosts see one shared disk. The
// loop devices need root; without it (or without /dev/loop-control) those cases are skipped.

#include "DiskHeartbeat.h"
#include "DiskSlot.h"
#include "HeartbeatManager.h"
#include "HeartbeatPacket.h"
#include "HeartbeatPathFactory.h"
#include "LoopDevice.h"

#include <QElapsedTimer>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <condition_variable>
#include <fcntl.h>
#include <linux/fs.h>
#include <mutex>
#include <sys/ioctl.h>
#include <unistd.h>

using namespace lifeline;
using namespace lifeline::hb;
using namespace std::chrono_literals;

// Skips the test, with the reason, when the shared disk cannot be made.
#define REQUIRE_DISK(...)                                                                          \
    do {                                                                                           \
        if (const QString why = setUpDisk(__VA_ARGS__); !why.isEmpty())                            \
            QSKIP(qPrintable(why));                                                                \
    } while (false)

namespace {

constexpr int kWaitMs = 5000;
constexpr auto kInterval = 100ms;
constexpr auto kTimeout = 500ms;

config::ClusterConfig makeConfig(const QStringList& devices) {
    config::ClusterConfig config;
    config.cluster.name = "disktest";
    config.cluster.heartbeatIntervalMs = int(kInterval.count());
    config.cluster.heartbeatTimeoutMs = int(kTimeout.count());
    for (int i = 0; i < devices.size(); ++i) {
        config::Server server;
        server.name = QStringLiteral("s%1").arg(i + 1);
        server.priority = i;
        server.devices << config::Device{3, "disk", devices[i]};
        config.servers << server;
    }
    config.heartbeats << config::Heartbeat{"diskhb", "diskhb1", 0, 3};
    return config;
}

std::unique_ptr<DiskHeartbeat> makeDriver(const config::ClusterConfig& config,
                                          const QString& local) {
    QString error;
    auto path = HeartbeatPathFactory::create({config, config.heartbeats[0], local}, &error);
    if (!path)
        qWarning() << error;
    return std::unique_ptr<DiskHeartbeat>(qobject_cast<DiskHeartbeat*>(path.release()));
}

// A gate a test hook can wait at (a hung disk) until the test opens it. Shared with the hook,
// so a worker left running after its driver is gone never touches freed memory.
struct Gate {
    std::mutex mutex;
    std::condition_variable cv;
    bool open = false;
    bool reached = false;
    void wait() {
        std::unique_lock lock(mutex);
        reached = true;
        cv.notify_all();
        cv.wait(lock, [this] { return open; });
    }
    void release() {
        std::lock_guard lock(mutex);
        open = true;
        cv.notify_all();
    }
    bool wasReached() {
        std::lock_guard lock(mutex);
        return reached;
    }
};

QByteArray packet(const QString& sender, quint64 sequence, quint8 flags = 0) {
    HeartbeatPacket p;
    p.clusterName = "disktest";
    p.senderName = sender;
    p.incarnation = 1;
    p.sequence = sequence;
    p.configHash = QByteArray(32, '\x01');
    p.state = HeartbeatPacket::Online;
    p.flags = flags;
    return p.encode(QByteArray(32, '\x42'));
}

} // namespace

class TestDiskHeartbeat : public QObject {
    Q_OBJECT
private slots:
    void slotRoundTripAndChecks() {
        DiskSlot slot;
        slot.serverIndex = 2;
        slot.clusterId = DiskSlot::clusterIdOf("disktest");
        slot.incarnation = 7;
        slot.counter = 42;
        slot.monotonicNs = 123456789;
        slot.datagram = packet("s3", 5, HeartbeatPacket::kFlagLeaving);
        slot.state = DiskSlot::stateSummary(slot.datagram);
        QCOMPARE(slot.state, quint8(0x80 | HeartbeatPacket::Online));
        QCOMPARE(DiskSlot::stateSummary("garbage"), quint8(0xff));

        QCOMPARE(DiskSlot::slotBytes(512), 4096);
        QCOMPARE(DiskSlot::slotBytes(8192), 8192);
        QCOMPARE(DiskSlot::offset(0, 512), qint64(65536));
        QCOMPARE(DiskSlot::offset(3, 4096), qint64(65536 + 3 * 4096));

        QByteArray raw(4096, '\0');
        DiskSlot out;
        QCOMPARE(DiskSlot::decode(raw.constData(), 4096, slot.clusterId, 2, &out),
                 DiskSlot::Result::Empty);
        QVERIFY(slot.encode(raw.data(), 4096));
        QCOMPARE(DiskSlot::decode(raw.constData(), 4096, slot.clusterId, 2, &out),
                 DiskSlot::Result::Ok);
        QCOMPARE(out.counter, quint64(42));
        QCOMPARE(out.incarnation, quint64(7));
        QCOMPARE(out.monotonicNs, quint64(123456789));
        QCOMPARE(out.datagram, slot.datagram);
        QCOMPARE(DiskSlot::decode(raw.constData(), 4096, slot.clusterId, 1, &out),
                 DiskSlot::Result::WrongIndex);
        QCOMPARE(DiskSlot::decode(raw.constData(), 4096, DiskSlot::clusterIdOf("other"), 2, &out),
                 DiskSlot::Result::ForeignCluster);
        QByteArray corrupt = raw;
        corrupt[100] = char(corrupt[100] ^ 0x01);
        QCOMPARE(DiskSlot::decode(corrupt.constData(), 4096, slot.clusterId, 2, &out),
                 DiskSlot::Result::Corrupt);
        QByteArray foreign = raw;
        foreign[0] = 'X';
        QCOMPARE(DiskSlot::decode(foreign.constData(), 4096, slot.clusterId, 2, &out),
                 DiskSlot::Result::NotASlot);
        slot.datagram = QByteArray(DiskSlot::maxDatagramBytes(4096) + 1, 'x');
        QVERIFY(!slot.encode(raw.data(), 4096));
    }

    void createdFromTheConfiguration() {
        auto config = makeConfig({"/dev/disk/by-id/wwn-1-part2", "/dev/sdc2", "/dev/sdd2"});
        // The slots follow the priority order, not the order in the file.
        config.servers[0].priority = 2;
        config.servers[2].priority = 0;
        config::Server lonely;
        lonely.name = "s4";
        lonely.priority = 3;
        lonely.devices << config::Device{3, "lan", "10.0.0.4"}; // not a disk: not on this path
        config.servers << lonely;
        QVERIFY(HeartbeatPathFactory::supports("diskhb"));
        auto path = makeDriver(config, "s1");
        QVERIFY(path);
        QCOMPARE(path->type(), QString("diskhb"));
        QCOMPARE(path->device(), QString("/dev/disk/by-id/wwn-1-part2"));
        QCOMPARE(path->localSlot(), 2);
        QCOMPARE(path->peerSlots(), (QMap<int, QString>{{0, "s3"}, {1, "s2"}}));
        QCOMPARE(path->peers(), QStringList({"s2", "s3"}));
        QCOMPARE(path->localEndpoint(), QString("/dev/disk/by-id/wwn-1-part2 slot 2"));
        QCOMPARE(DiskHeartbeat::readPeriodFor(100ms), 25ms);
        QCOMPARE(DiskHeartbeat::readPeriodFor(20ms), 10ms);
    }

    void setUpErrorsNameTheProblem() {
        auto config = makeConfig({"UUID=1234-abcd", "/dev/sdc2"});
        QString error;
        QVERIFY(!HeartbeatPathFactory::create({config, config.heartbeats[0], "s1"}, &error));
        QVERIFY2(error.contains("diskhb1") && error.contains("s1") && error.contains("UUID=") &&
                     error.contains("/dev/disk/by-id"),
                 qPrintable(error));
        config.servers[0].devices[0].info = "sdb2";
        QVERIFY(!HeartbeatPathFactory::create({config, config.heartbeats[0], "s1"}, &error));
        QVERIFY2(error.contains("not an absolute path"), qPrintable(error));
        config.servers[0].devices[0].type = "lan";
        QVERIFY(!HeartbeatPathFactory::create({config, config.heartbeats[0], "s1"}, &error));
        QVERIFY2(error.contains("not disk"), qPrintable(error));
        config.servers[0].devices.clear();
        QVERIFY(!HeartbeatPathFactory::create({config, config.heartbeats[0], "s1"}, &error));
        QVERIFY2(error.contains("no device 3"), qPrintable(error));
    }

    void openRefusesWhatIsNotABlockDevice() {
        QTemporaryDir dir;
        const QString file = dir.filePath("plain");
        QFile f(file);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.resize(16 << 20);
        f.close();
        auto config = makeConfig({file, dir.filePath("missing")});
        auto a = makeDriver(config, "s1");
        QVERIFY(!a->open());
        QVERIFY2(a->errorString().contains(file) && a->errorString().contains("not a block device"),
                 qPrintable(a->errorString()));
        auto b = makeDriver(config, "s2");
        QVERIFY(!b->open());
        QVERIFY2(b->errorString().contains("missing") &&
                     b->errorString().contains("No such file or directory"),
                 qPrintable(b->errorString()));
    }

    void datagramsPassBothWays() {
        REQUIRE_DISK();
        auto config = makeConfig({loopA_->path(), loopB_->path()});
        auto a = makeDriver(config, "s1");
        auto b = makeDriver(config, "s2");
        QVERIFY(a->open() && b->open());
        QSignalSpy atA(a.get(), &HeartbeatPath::datagramReceived);
        QSignalSpy atB(b.get(), &HeartbeatPath::datagramReceived);
        QSignalSpy failedA(a.get(), &HeartbeatPath::transportFailed);
        QSignalSpy failedB(b.get(), &HeartbeatPath::transportFailed);
        // The first look at a slot is only a baseline, so keep sending as the manager does.
        quint64 sequence = 0;
        const auto tick = [&] {
            ++sequence;
            a->send(packet("s1", sequence));
            b->send(packet("s2", sequence));
            a->readPending();
            b->readPending();
            return !atA.isEmpty() && !atB.isEmpty();
        };
        QTRY_VERIFY_WITH_TIMEOUT(tick(), kWaitMs);
        QCOMPARE(atB.first().at(2).toString(), QString("s1"));
        QCOMPARE(atB.first().at(1).toString(), loopB_->path() + " slot 0");
        QVERIFY(atB.first().at(0).toByteArray().startsWith("LLHB"));
        QCOMPARE(atA.first().at(2).toString(), QString("s2"));
        QCOMPARE(atA.first().at(1).toString(), loopA_->path() + " slot 1");
        QVERIFY2(failedA.isEmpty() && failedB.isEmpty(), "no transport failure");
        QCOMPARE(a->stats().logicalBlockSize, 512);
        QVERIFY(a->stats().writes > 0 && b->stats().reads > 0);

        // The newest datagram is the one delivered, and each only once. (A tick's datagram
        // may still be on its way when this one is sent: wait for this one.)
        atB.clear();
        const QByteArray last = packet("s1", 1000);
        a->send(last);
        QTRY_VERIFY_WITH_TIMEOUT((b->readPending(), !atB.isEmpty() && atB.last().at(0).toByteArray() == last),
                                 kWaitMs);
        for (int i = 0; i < 8; ++i)
            b->readPending();
        int copies = 0;
        for (const auto& d : atB)
            copies += d.at(0).toByteArray() == last ? 1 : 0;
        QCOMPARE(copies, 1);

        // An unchanged slot delivers nothing: the manager times the path out.
        atB.clear();
        const int reads = int(b->stats().reads);
        QTRY_VERIFY_WITH_TIMEOUT((b->readPending(), b->stats().reads >= quint64(reads + 8)),
                                 kWaitMs);
        b->readPending();
        QCOMPARE(atB.size(), 0);
        QCOMPARE(b->stats().refused, quint64(0));
    }

    void corruptedSlotIsRefusedAndCounted() {
        REQUIRE_DISK();
        auto config = makeConfig({loopA_->path(), loopB_->path()});
        auto a = makeDriver(config, "s1");
        auto b = makeDriver(config, "s2");
        QVERIFY(a->open() && b->open());
        QSignalSpy atB(b.get(), &HeartbeatPath::datagramReceived);
        quint64 sequence = 0;
        QTRY_VERIFY_WITH_TIMEOUT(
            (a->send(packet("s1", ++sequence)), b->readPending(), !atB.isEmpty()), kWaitMs);
        a->close(); // nothing rewrites slot 0 from now on
        b->readPending();
        atB.clear();

        // Flip one bit of s1's datagram on the disk, behind the drivers' backs.
        QFile image(image_);
        QVERIFY(image.open(QIODevice::ReadWrite));
        const qint64 at = DiskSlot::offset(0, 512) + DiskSlot::kHeaderBytes + 10;
        QVERIFY(image.seek(at));
        char byte = 0;
        QVERIFY(image.getChar(&byte));
        QVERIFY(image.seek(at));
        QVERIFY(image.putChar(char(byte ^ 0x01)));
        image.close();

        QTRY_VERIFY_WITH_TIMEOUT((b->readPending(), b->stats().refused == 1), kWaitMs);
        // Delivered as an empty datagram, so the inbox counts it as malformed; never the
        // corrupted bytes themselves.
        QTRY_COMPARE_WITH_TIMEOUT((b->readPending(), atB.size()), 1, kWaitMs);
        QVERIFY(atB.first().at(0).toByteArray().isEmpty());
        QCOMPARE(atB.first().at(2).toString(), QString("s1"));
        // The same bad slot is not counted again on later reads.
        const quint64 reads = b->stats().reads;
        QTRY_VERIFY_WITH_TIMEOUT((b->readPending(), b->stats().reads >= reads + 5), kWaitMs);
        QCOMPARE(b->stats().refused, quint64(1));
        QCOMPARE(atB.size(), 1);
    }

    void writeErrorFailsThePathAndRecovers() {
        REQUIRE_DISK();
        auto config = makeConfig({loopA_->path(), loopB_->path()});
        auto a = makeDriver(config, "s1");
        auto b = makeDriver(config, "s2");
        a->setReopenPeriod(50ms);
        QVERIFY(a->open() && b->open());
        QSignalSpy atB(b.get(), &HeartbeatPath::datagramReceived);
        QSignalSpy failed(a.get(), &HeartbeatPath::transportFailed);
        QSignalSpy recovered(a.get(), &HeartbeatPath::transportRecovered);
        quint64 sequence = 0;
        QTRY_VERIFY_WITH_TIMEOUT(
            (a->send(packet("s1", ++sequence)), b->readPending(), !atB.isEmpty()), kWaitMs);

        QVERIFY(loopA_->setReadOnly(true));
        QTRY_VERIFY_WITH_TIMEOUT(
            (a->send(packet("s1", ++sequence)), a->readPending(), !failed.isEmpty()), kWaitMs);
        const QString message = failed.first().at(0).toString();
        QVERIFY2(message.contains("diskhb1") && message.contains(loopA_->path()) &&
                     message.contains("Operation not permitted"),
                 qPrintable(message));
        QCOMPARE(a->send(packet("s1", ++sequence)), 0); // failing: nothing accepted
        // The failure is reported once, however long it lasts; s2 hears nothing new.
        b->readPending();
        atB.clear();
        QElapsedTimer spell;
        spell.start();
        while (spell.elapsed() < 500) {
            a->send(packet("s1", ++sequence));
            a->readPending();
            b->readPending();
            QTest::qWait(20);
        }
        QCOMPARE(failed.size(), 1);
        QCOMPARE(atB.size(), 0);
        QVERIFY(a->stats().errors >= 2); // reopened and failed again meanwhile

        QVERIFY(loopA_->setReadOnly(false));
        QTRY_VERIFY_WITH_TIMEOUT((a->send(packet("s1", ++sequence)), a->readPending(),
                                  b->readPending(), !recovered.isEmpty() && !atB.isEmpty()),
                                 kWaitMs);
        QCOMPARE(failed.size(), 1);
        QCOMPARE(recovered.size(), 1);
    }

    void readErrorFailsThePath() {
        REQUIRE_DISK();
        auto config = makeConfig({loopA_->path(), loopB_->path()});
        auto a = makeDriver(config, "s1");
        auto failReads = std::make_shared<std::atomic<bool>>(false);
        a->setIoHook([failReads](DiskHeartbeat::IoOp op) {
            return op == DiskHeartbeat::IoOp::Read && *failReads ? EIO : 0;
        });
        QVERIFY(a->open());
        QSignalSpy failed(a.get(), &HeartbeatPath::transportFailed);
        QTRY_VERIFY_WITH_TIMEOUT((a->send(packet("s1", 1)), a->stats().reads > 0), kWaitMs);
        *failReads = true;
        QTRY_VERIFY_WITH_TIMEOUT((a->readPending(), !failed.isEmpty()), kWaitMs);
        const QString message = failed.first().at(0).toString();
        QVERIFY2(message.contains("cannot read") && message.contains(loopA_->path()) &&
                     message.contains("Input/output error"),
                 qPrintable(message));
    }

    void tooSmallDeviceIsRefused() {
        REQUIRE_DISK(8);
        auto config = makeConfig({loopA_->path(), loopB_->path()});
        auto a = makeDriver(config, "s1");
        QVERIFY(a->open()); // the size is only known once the worker has the device open
        QSignalSpy failed(a.get(), &HeartbeatPath::transportFailed);
        QTRY_VERIFY_WITH_TIMEOUT((a->readPending(), !failed.isEmpty()), kWaitMs);
        QVERIFY2(failed.first().at(0).toString().contains("at least 10 MiB"),
                 qPrintable(failed.first().at(0).toString()));
    }

    void heartbeatThreadNeverWaitsForTheDisk() {
        REQUIRE_DISK();
        auto a = std::make_unique<DiskHeartbeat>("diskhb1", loopA_->path(), 0,
                                                 QMap<int, QString>{{1, "s2"}}, "disktest",
                                                 kInterval, 300ms);
        auto gate = std::make_shared<Gate>();
        a->setIoHook([gate](DiskHeartbeat::IoOp op) {
            if (op == DiskHeartbeat::IoOp::Write)
                gate->wait(); // the disk hangs on the first write
            return 0;
        });
        QVERIFY(a->open());
        QSignalSpy failed(a.get(), &HeartbeatPath::transportFailed);
        a->send(packet("s1", 1));
        QTRY_VERIFY_WITH_TIMEOUT(gate->wasReached(), kWaitMs);

        // While the worker is stuck, every call of the heartbeat thread returns at once.
        QElapsedTimer timer;
        qint64 slowest = 0;
        for (int i = 0; i < 200; ++i) {
            timer.start();
            a->send(packet("s1", quint64(i + 2)));
            a->readPending();
            slowest = std::max(slowest, timer.nsecsElapsed());
        }
        QVERIFY2(slowest < 20'000'000, qPrintable(QString("slowest call %1 ns").arg(slowest)));
        // A pending I/O longer than the stall limit is reported as a failure.
        QTRY_VERIFY_WITH_TIMEOUT((a->readPending(), !failed.isEmpty()), kWaitMs);
        QVERIFY2(failed.first().at(0).toString().contains("does not answer"),
                 qPrintable(failed.first().at(0).toString()));
        QCOMPARE(a->send(packet("s1", 999)), 0);
        // Closing does not wait for the disk beyond its bound; the worker ends by itself later.
        timer.start();
        a->close();
        QVERIFY2(timer.elapsed() < 3000, qPrintable(QString::number(timer.elapsed())));
        a.reset();
        gate->release();
    }

    // Two heartbeat managers whose only path is the disk: they find each other, a failing disk
    // is reported once through pathError and its peer sees the path go Offline.
    void managersOverTheDiskAlone() {
        REQUIRE_DISK();
        auto config = makeConfig({loopA_->path(), loopB_->path()});
        const QByteArray key(32, '\x42'), hash(32, '\x01');
        cluster::HeartbeatManager m1(config, "s1", key, hash, HeartbeatPacket::newIncarnation());
        cluster::HeartbeatManager m2(config, "s2", key, hash, HeartbeatPacket::newIncarnation());
        QVERIFY2(m1.setupIssues().isEmpty(), qPrintable(m1.setupIssues().join('\n')));
        QSignalSpy up2(&m2, &cluster::HeartbeatManager::peerUp);
        QSignalSpy errors1(&m1, &cluster::HeartbeatManager::pathError);
        QSignalSpy paths2(&m2, &cluster::HeartbeatManager::pathStateChanged);
        QVERIFY(m1.start());
        QVERIFY(m2.start());
        QTRY_COMPARE_WITH_TIMEOUT(up2.size(), 1, kWaitMs);
        QCOMPARE(up2.first().at(0).toString(), QString("s1"));
        QCOMPARE(m1.snapshot().paths.first().localEndpoint, loopA_->path() + " slot 0");

        QVERIFY(loopA_->setReadOnly(true));
        QTRY_COMPARE_WITH_TIMEOUT(errors1.size(), 1, kWaitMs);
        QCOMPARE(errors1.first().at(0).toString(), QString("diskhb1"));
        QVERIFY(errors1.first().at(1).toString().contains("Operation not permitted"));
        QTRY_VERIFY_WITH_TIMEOUT(!paths2.isEmpty() && !paths2.last().at(2).toBool(), kWaitMs);
        QVERIFY(!m1.snapshot().paths.first().error.isEmpty());
        QVERIFY(!m1.snapshot().paths.first().localNormal);
        QTest::qWait(int(3 * kTimeout.count()));
        QCOMPARE(errors1.size(), 1); // once, not once per retry

        QVERIFY(loopA_->setReadOnly(false));
        QTRY_VERIFY_WITH_TIMEOUT(m1.snapshot().paths.first().error.isEmpty(), kWaitMs);
        QTRY_VERIFY_WITH_TIMEOUT(paths2.last().at(2).toBool(), kWaitMs);
        QCOMPARE(errors1.size(), 1);
        m1.stop(true);
        m2.stop(true);
    }

    void cleanup() {
        loopA_.reset();
        loopB_.reset();
        dir_.reset();
    }

private:
    // Two loop devices over one sparse image: two hosts on one shared disk. Empty, or why not.
    QString setUpDisk(int mib = 16) {
        if (geteuid() != 0)
            return QStringLiteral("needs root for loop devices (O_DIRECT needs a real block "
                                  "device)");
        dir_ = std::make_unique<QTemporaryDir>();
        image_ = dir_->filePath("shared.img");
        QFile file(image_);
        if (!file.open(QIODevice::WriteOnly) || !file.resize(qint64(mib) << 20))
            return QStringLiteral("cannot create the disk image %1").arg(image_);
        file.close();
        QString why;
        loopA_ = LoopDevice::attach(image_, &why);
        if (loopA_)
            loopB_ = LoopDevice::attach(image_, &why);
        return loopA_ && loopB_ ? QString() : why;
    }

    std::unique_ptr<QTemporaryDir> dir_;
    QString image_;
    std::unique_ptr<LoopDevice> loopA_, loopB_;
};

QTEST_GUILESS_MAIN(TestDiskHeartbeat)
#include "tst_disk_heartbeat.moc"
