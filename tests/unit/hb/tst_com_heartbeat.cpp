// comhb: the frame codec, set-up from the configuration, line settings, and two drivers linked
// by a "cable" of two pseudo-terminals whose master ends this test relays: datagrams both ways,
// resynchronisation after garbage and cut-off frames, checksum refusal, a full line, and a
// pulled cable (hang-up) that costs no CPU and is reopened once plugged back.

#include "ComFrameCodec.h"
#include "ComHeartbeat.h"
#include "HeartbeatPathFactory.h"

#include <QRegularExpression>
#include <QSignalSpy>
#include <QSocketNotifier>
#include <QTemporaryDir>
#include <QTest>

#include <cerrno>
#include <ctime>
#include <fcntl.h>
#include <memory>
#include <termios.h>
#include <unistd.h>

using namespace lifeline;
using namespace lifeline::hb;

namespace {

// One end of the cable: a pseudo-terminal whose slave the driver opens by `link` (a symlink, as
// a udev name would be) and whose master the test reads and writes. The test keeps the slave
// open too, so that the master does not read EIO while the driver has its end closed.
struct Pty {
    int master = -1;
    int slave = -1;
    QString slavePath;

    bool open() {
        master = ::posix_openpt(O_RDWR | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
        if (master < 0 || ::grantpt(master) != 0 || ::unlockpt(master) != 0)
            return false;
        slavePath = QString::fromLocal8Bit(::ptsname(master));
        slave = ::open(slavePath.toLocal8Bit().constData(), O_RDWR | O_NOCTTY | O_CLOEXEC);
        if (slave < 0)
            return false;
        termios tio{};
        ::tcgetattr(slave, &tio);
        ::cfmakeraw(&tio); // no echo before the driver sets the line up
        return ::tcsetattr(slave, TCSANOW, &tio) == 0;
    }
    void close() {
        for (int* fd : {&master, &slave})
            if (*fd >= 0) {
                ::close(*fd);
                *fd = -1;
            }
    }
    ~Pty() { close(); }

    void write(const QByteArray& bytes) const {
        qsizetype done = 0;
        while (done < bytes.size()) {
            const ssize_t n =
                ::write(master, bytes.constData() + done, size_t(bytes.size() - done));
            if (n > 0)
                done += n;
            else if (errno != EAGAIN && errno != EINTR)
                return;
        }
    }
    QByteArray readAll() const {
        QByteArray out;
        char buffer[4096];
        ssize_t n;
        while ((n = ::read(master, buffer, sizeof buffer)) > 0)
            out.append(buffer, n);
        return out;
    }
};

// Copies what one driver writes to the other, as a null-modem cable does.
class Relay : public QObject {
public:
    Relay(Pty& a, Pty& b) {
        link(a, b);
        link(b, a);
    }

private:
    void link(Pty& from, Pty& to) {
        auto* notifier = new QSocketNotifier(from.master, QSocketNotifier::Read, this);
        connect(notifier, &QSocketNotifier::activated, this,
                [&from, &to] { to.write(from.readAll()); });
    }
};

// Points `link` at `target` atomically (a cable plugged into another port).
bool relink(const QString& link, const QString& target) {
    const QByteArray tmp = (link + ".new").toLocal8Bit();
    ::unlink(tmp.constData());
    return ::symlink(target.toLocal8Bit().constData(), tmp.constData()) == 0 &&
           ::rename(tmp.constData(), link.toLocal8Bit().constData()) == 0;
}

qint64 cpuMs() {
    timespec ts{};
    ::clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return qint64(ts.tv_sec) * 1000 + ts.tv_nsec / 1000000;
}

config::ClusterConfig makeConfig(const QString& ttyOfS1, const QString& ttyOfS2) {
    config::ClusterConfig config;
    config.cluster.name = "com";
    config.cluster.heartbeatIntervalMs = 1000;
    for (int i = 0; i < 3; ++i) {
        config::Server server;
        server.name = QStringLiteral("s%1").arg(i + 1);
        server.priority = i;
        server.devices << config::Device{0, "lan", QStringLiteral("127.0.0.%1").arg(11 + i)};
        config.servers << server;
    }
    config.servers[0].devices << config::Device{400, "com", ttyOfS1};
    config.servers[1].devices << config::Device{400, "com", ttyOfS2};
    config.heartbeats << config::Heartbeat{"comhb", "comhb1", 2, 400};
    return config;
}

std::unique_ptr<ComHeartbeat> createCom(const config::ClusterConfig& config, const QString& local,
                                        QString* error = nullptr) {
    auto path = HeartbeatPathFactory::create({config, config.heartbeats[0], local}, error);
    auto* com = qobject_cast<ComHeartbeat*>(path.get());
    if (!com)
        return nullptr;
    path.release();
    return std::unique_ptr<ComHeartbeat>(com);
}

QByteArray payloadOf(int size, char fill) {
    return QByteArray(size, fill);
}

} // namespace

class TestComHeartbeat : public QObject {
    Q_OBJECT
private slots:
    void init() {
        QVERIFY(dir_.isValid());
        linkA_ = dir_.filePath("ttyA");
        linkB_ = dir_.filePath("ttyB");
        a_ = std::make_unique<Pty>();
        b_ = std::make_unique<Pty>();
        QVERIFY(a_->open() && b_->open());
        QVERIFY(relink(linkA_, a_->slavePath) && relink(linkB_, b_->slavePath));
    }
    void cleanup() {
        relay_.reset();
        a_.reset();
        b_.reset();
    }

    // --- the frame codec ---------------------------------------------------------------------

    void crcIsTheIeeeOne() { QCOMPARE(ComFrameCodec::crc32("123456789", 9), 0xCBF43926u); }

    void framesRoundTripEvenByteByByte() {
        const QByteArray payload("\x7E\xA5 heartbeat \x00\xFF", 15);
        const QByteArray frame = ComFrameCodec::encode(payload);
        QCOMPARE(frame.size(), payload.size() + ComFrameCodec::kOverheadBytes);
        QCOMPARE(frame.left(6), QByteArray("\x7E\xA5\x00\x0F\xFF\xF0", 6));
        ComFrameCodec codec;
        QList<QByteArray> out;
        for (char byte : frame + frame)
            out += codec.feed(QByteArray(1, byte));
        QCOMPARE(out, (QList<QByteArray>{payload, payload}));
        QCOMPARE(codec.counters().frames, quint64(2));
        QCOMPARE(codec.counters().discardedBytes, quint64(0));
        QCOMPARE(codec.buffered(), qsizetype(0));
        QVERIFY(ComFrameCodec::encode({}).isEmpty());
        QVERIFY(
            ComFrameCodec::encode(payloadOf(ComFrameCodec::kMaxPayloadBytes + 1, 'x')).isEmpty());
    }

    void codecResynchronisesAfterGarbageAndCutOffFrames() {
        const QByteArray one = ComFrameCodec::encode("first"),
                         two = ComFrameCodec::encode("second");
        // Garbage holding the start bytes and a fake header, a frame cut off after its header
        // and part of its payload, then whole frames.
        const QByteArray garbage = QByteArray("\x00\x7E\x7E\xA5\x01\x00\x12\x34 noise \x7E", 16);
        const QByteArray cutOff = ComFrameCodec::encode(payloadOf(40, 'c')).left(20);
        ComFrameCodec codec;
        const auto out = codec.feed(garbage + cutOff + one + two);
        QCOMPARE(out, (QList<QByteArray>{"first", "second"}));
        QCOMPARE(codec.counters().checksumErrors,
                 quint64(1)); // the cut-off frame, judged once complete
        QCOMPARE(codec.counters().discardedBytes, quint64(garbage.size() + cutOff.size()));
    }

    void aCutOffFrameDoesNotHoldBackTheNextOne() {
        // The cut-off frame announces more bytes than follow it: the whole frame after it is
        // delivered at once, not when enough later bytes have made up the missing length.
        ComFrameCodec codec;
        const QByteArray cutOff = ComFrameCodec::encode(payloadOf(50, 'c')).left(30);
        QCOMPARE(codec.feed(cutOff + ComFrameCodec::encode("good")), QList<QByteArray>{"good"});
        QCOMPARE(codec.counters().cutOff, quint64(1));
        QCOMPARE(codec.counters().checksumErrors, quint64(0));
        QCOMPARE(codec.buffered(), qsizetype(0));
        // A frame that is merely incomplete waits for its end.
        const QByteArray whole = ComFrameCodec::encode(payloadOf(50, 'w'));
        QVERIFY(codec.feed(whole.left(25)).isEmpty());
        QCOMPARE(codec.feed(whole.mid(25)), QList<QByteArray>{payloadOf(50, 'w')});
        QCOMPARE(codec.counters().cutOff, quint64(1));
    }

    void codecRefusesABadChecksum() {
        QByteArray frame = ComFrameCodec::encode("payload");
        frame[8] = char(frame[8] ^ 0x01);
        ComFrameCodec codec;
        QVERIFY(codec.feed(frame).isEmpty());
        QCOMPARE(codec.counters().checksumErrors, quint64(1));
        QCOMPARE(codec.feed(ComFrameCodec::encode("next")), QList<QByteArray>{"next"});
    }

    // --- set-up ----------------------------------------------------------------------------

    void createdFromTheConfiguration() {
        const auto config = makeConfig(linkA_, linkB_);
        QString error;
        auto com = createCom(config, "s1", &error);
        QVERIFY2(com, qPrintable(error));
        QCOMPARE(com->name(), QString("comhb1"));
        QCOMPARE(com->type(), QString("comhb"));
        QCOMPARE(com->peers(), QStringList{"s2"});
        QCOMPARE(com->device(), linkA_);
        QCOMPARE(com->localEndpoint(), linkA_ + " 19200 8N1");
        QVERIFY(!com->isOpen());
    }

    void aLineTooSlowForTheIntervalIsWarnedAbout() {
        auto config = makeConfig(linkA_, linkB_);
        config.cluster.heartbeatIntervalMs = 100; // a 104-byte frame takes 54 ms at 19200 8N1
        QTest::ignoreMessage(QtWarningMsg,
                             QRegularExpression("comhb1.*a 104-byte frame takes 54.2 ms at 19200 "
                                                "8N1, more than half the heartbeat interval"));
        QVERIFY(createCom(config, "s1"));
        config.heartbeats[0].parameters.insert("speed", "38400");
        QVERIFY(createCom(config, "s1")); // 27 ms: no warning (QTest fails on unexpected ones)
    }

    void setUpErrorsNameTheProblem() {
        auto config = makeConfig(linkA_, linkB_);
        QString error;
        QVERIFY(!createCom(config, "s3", &error));
        QVERIFY2(error.contains("comhb1") && error.contains("s3") &&
                     error.contains("no device 400"),
                 qPrintable(error));

        config.servers[2].devices << config::Device{400, "com", "/dev/ttyS0"};
        QVERIFY(!createCom(config, "s1", &error));
        QVERIFY2(error.contains("exactly two servers") && error.contains("s2, s3"),
                 qPrintable(error));

        config = makeConfig(linkA_, linkB_);
        config.servers[0].devices[1].type = "disk";
        QVERIFY(!createCom(config, "s1", &error));
        QVERIFY2(error.contains("not com"), qPrintable(error));

        config = makeConfig(linkA_, linkB_);
        config.heartbeats[0].parameters.insert("speed", "12345");
        QVERIFY(!createCom(config, "s1", &error));
        QVERIFY2(error.contains("speed \"12345\""), qPrintable(error));
    }

    void openFailsOnAMissingOrNonTerminalDevice() {
        auto missing = makeConfig(dir_.filePath("nothing"), linkB_);
        auto com = createCom(missing, "s1");
        QVERIFY(com);
        QVERIFY(!com->open());
        QVERIFY2(com->errorString().contains("comhb1: cannot open") &&
                     com->errorString().contains("No such file"),
                 qPrintable(com->errorString()));
        auto notTty = makeConfig("/dev/null", linkB_);
        com = createCom(notTty, "s1");
        QVERIFY(!com->open());
        QVERIFY2(com->errorString().contains("not a terminal"), qPrintable(com->errorString()));
    }

    void lineSettingsAreApplied() {
        auto config = makeConfig(linkA_, linkB_);
        auto com = createCom(config, "s1");
        QVERIFY(com->open());
        termios tio{};
        QCOMPARE(::tcgetattr(a_->slave, &tio), 0);
        QCOMPARE(::cfgetospeed(&tio), speed_t(B19200));
        QCOMPARE(tio.c_cflag & CSIZE, tcflag_t(CS8));
        QCOMPARE(tio.c_cflag & (PARENB | CSTOPB | CRTSCTS), tcflag_t(0));
        QVERIFY(tio.c_cflag & CLOCAL);
        QCOMPARE(tio.c_lflag & (ICANON | ECHO), tcflag_t(0));
        QCOMPARE(tio.c_iflag & (IXON | IXOFF), tcflag_t(0));
        com->close();

        config.heartbeats[0].parameters = {
            {"speed", "115200"}, {"parity", "even"}, {"stopbits", "2"}, {"flow", "rtscts"}};
        com = createCom(config, "s1");
        QCOMPARE(com->localEndpoint(), linkA_ + " 115200 8E2 RTS/CTS");
        QVERIFY(com->open());
        QCOMPARE(::tcgetattr(a_->slave, &tio), 0);
        QCOMPARE(::cfgetospeed(&tio), speed_t(B115200));
        // The pty driver forces CS8 and drops PARENB; what a real port gets is checked below.
        QCOMPARE(tio.c_cflag & (CSTOPB | CRTSCTS), tcflag_t(CSTOPB | CRTSCTS));

        termios wanted{};
        ComHeartbeat::LineSettings odd;
        odd.parity = ComHeartbeat::Parity::Odd;
        QVERIFY(ComHeartbeat::applyLineSettings(&wanted, odd));
        QCOMPARE(wanted.c_cflag & (CSIZE | PARENB | PARODD | CSTOPB | CRTSCTS | CLOCAL | CREAD),
                 tcflag_t(CS8 | PARENB | PARODD | CLOCAL | CREAD));
        QCOMPARE(::cfgetispeed(&wanted), speed_t(B19200));
        QCOMPARE(int(wanted.c_cc[VMIN]), 1);
        QCOMPARE(int(wanted.c_cc[VTIME]), 0);
        odd.speed = 12345;
        QVERIFY(!ComHeartbeat::applyLineSettings(&wanted, odd));
    }

    // --- two drivers on one cable -------------------------------------------------------------

    void datagramsTravelBothWays() {
        const auto config = makeConfig(linkA_, linkB_);
        auto s1 = createCom(config, "s1"), s2 = createCom(config, "s2");
        QVERIFY(s1->open() && s2->open());
        relay_ = std::make_unique<Relay>(*a_, *b_);
        QSignalSpy at1(s1.get(), &HeartbeatPath::datagramReceived);
        QSignalSpy at2(s2.get(), &HeartbeatPath::datagramReceived);

        const QByteArray big = payloadOf(599, 'b'); // the largest heartbeat packet
        QCOMPARE(s1->send("from s1"), 1);
        QCOMPARE(s1->send(big), 1);
        QCOMPARE(s2->send("from s2"), 1);
        QTRY_COMPARE(at2.size(), 2);
        QTRY_COMPARE(at1.size(), 1);
        QCOMPARE(at2[0], (QList<QVariant>{QByteArray("from s1"), linkB_, QString("s1")}));
        QCOMPARE(at2[1][0].toByteArray(), big);
        QCOMPARE(at1[0], (QList<QVariant>{QByteArray("from s2"), linkA_, QString("s2")}));
        QCOMPARE(s1->counters().framesWritten, quint64(2));
        QCOMPARE(s2->counters().decoder.frames, quint64(2));
    }

    void garbageOnTheLineIsSkipped() {
        const auto config = makeConfig(linkA_, linkB_);
        auto s2 = createCom(config, "s2");
        QVERIFY(s2->open());
        QSignalSpy received(s2.get(), &HeartbeatPath::datagramReceived);
        // Line noise, a frame cut off when the cable was plugged in, then a good frame.
        b_->write(QByteArray("\xFF\x7E\x00 noise", 9) +
                  ComFrameCodec::encode(payloadOf(50, 'x')).left(30) +
                  ComFrameCodec::encode("good"));
        QTRY_COMPARE(received.size(), 1);
        QCOMPARE(received[0][0].toByteArray(), QByteArray("good"));
        QCOMPARE(s2->counters().decoder.cutOff, quint64(1));
        QCOMPARE(s2->counters().decoder.discardedBytes, quint64(39));
    }

    void aBadChecksumIsRefused() {
        const auto config = makeConfig(linkA_, linkB_);
        auto s2 = createCom(config, "s2");
        QVERIFY(s2->open());
        QSignalSpy received(s2.get(), &HeartbeatPath::datagramReceived);
        QByteArray bad = ComFrameCodec::encode("tampered");
        bad[bad.size() - 1] = char(bad[bad.size() - 1] ^ 0x80);
        b_->write(bad + ComFrameCodec::encode("after"));
        QTRY_COMPARE(received.size(), 1);
        QCOMPARE(received[0][0].toByteArray(), QByteArray("after"));
        QCOMPARE(s2->counters().decoder.checksumErrors, quint64(1));
    }

    void staleInputIsFlushedOnOpen() {
        const auto config = makeConfig(linkA_, linkB_);
        auto s2 = createCom(config, "s2");
        b_->write(ComFrameCodec::encode("stale")); // waited in the tty before the driver came
        QVERIFY(s2->open());
        QSignalSpy received(s2.get(), &HeartbeatPath::datagramReceived);
        b_->write(ComFrameCodec::encode("fresh"));
        QTRY_COMPARE(received.size(), 1);
        QCOMPARE(received[0][0].toByteArray(), QByteArray("fresh"));
    }

    void aFullLineDropsFramesInsteadOfBlocking() {
        const auto config = makeConfig(linkA_, linkB_);
        auto s1 = createCom(config, "s1");
        QVERIFY(s1->open());
        // Nobody reads the other end: the tty fills up and then takes nothing.
        int accepted = 0;
        for (int i = 0; i < 2000 && s1->counters().framesDropped == 0; ++i)
            accepted += s1->send(payloadOf(599, 'f'));
        QVERIFY(accepted > 0);
        QVERIFY(s1->counters().framesDropped > 0);
        QCOMPARE(s1->send(payloadOf(599, 'f')), 0);
        // Drained, the line takes frames again (the unfinished one first).
        QTRY_VERIFY((a_->readAll(), s1->send("again") == 1));
        QVERIFY(s1->lineUp());
    }

    void aPulledCableCostsNoCpuAndIsReopened() {
        const auto config = makeConfig(linkA_, linkB_);
        auto s1 = createCom(config, "s1"), s2 = createCom(config, "s2");
        QVERIFY(s1->open() && s2->open());
        relay_ = std::make_unique<Relay>(*a_, *b_);
        QSignalSpy at2(s2.get(), &HeartbeatPath::datagramReceived);
        QSignalSpy failed(s1.get(), &HeartbeatPath::transportFailed);
        QSignalSpy recovered(s1.get(), &HeartbeatPath::transportRecovered);
        QCOMPARE(s1->send("before"), 1);
        QTRY_COMPARE(at2.size(), 1);

        // Pull the cable: the relay and both ptys go, the links dangle.
        relay_.reset();
        a_->close();
        b_->close();
        ::unlink(linkA_.toLocal8Bit().constData());
        ::unlink(linkB_.toLocal8Bit().constData());
        QTRY_VERIFY(!s1->lineUp() && !s2->lineUp());
        QCOMPARE(s1->counters().hangUps, quint64(1));
        QCOMPARE(failed.size(), 1);
        QVERIFY2(failed[0][0].toString().contains(linkA_), qPrintable(failed[0][0].toString()));
        QVERIFY(s1->isOpen()); // for the manager the path stays open; it reopens by itself
        QCOMPARE(s1->send("lost"), 0);

        const quint64 attempts = s1->counters().openAttempts;
        const qint64 cpuBefore = cpuMs();
        QTest::qWait(1500);
        const qint64 cpuUsed = cpuMs() - cpuBefore;
        QVERIFY2(cpuUsed < 300, qPrintable(QStringLiteral("%1 ms of CPU in 1.5 s").arg(cpuUsed)));
        const quint64 reopens = s1->counters().openAttempts - attempts;
        QVERIFY2(reopens >= 1 && reopens <= 2, qPrintable(QString::number(reopens)));
        QCOMPARE(failed.size(), 1); // once per outage, not per attempt
        QCOMPARE(recovered.size(), 0);

        // Plug it back in (new ptys behind the same names).
        a_ = std::make_unique<Pty>();
        b_ = std::make_unique<Pty>();
        QVERIFY(a_->open() && b_->open());
        QVERIFY(relink(linkA_, a_->slavePath) && relink(linkB_, b_->slavePath));
        relay_ = std::make_unique<Relay>(*a_, *b_);
        QTRY_VERIFY_WITH_TIMEOUT(s1->lineUp() && s2->lineUp(), 3000);
        QCOMPARE(recovered.size(), 1);
        QCOMPARE(s1->send("after"), 1);
        QTRY_COMPARE(at2.size(), 2);
        QCOMPARE(at2[1][0].toByteArray(), QByteArray("after"));
        QCOMPARE(s1->counters().hangUps, quint64(1));

        s1->close();
        QVERIFY(!s1->isOpen() && !s1->lineUp());
    }

private:
    QTemporaryDir dir_;
    QString linkA_, linkB_;
    std::unique_ptr<Pty> a_, b_;
    std::unique_ptr<Relay> relay_;
};

QTEST_GUILESS_MAIN(TestComHeartbeat)
#include "tst_com_heartbeat.moc"
