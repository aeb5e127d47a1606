// lifeline-keepalive and KeepaliveClient (userw): pets keep it quiet, missed pets and the
// death of the petting process fire the final action, a stop ends it without one. The final
// action is a sandbox command (a script that appends its argument to a file).
//
// The same binary, run as `tst_keepalive --petter TIMEOUT INTERVAL POWER`, is the petting
// process of the SIGSTOP and death cases: it pets from its event loop like lifelined.

#include "KeepaliveClient.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QFile>
#include <QProcess>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include <csignal>
#include <cstdio>

using lifeline::monitors::KeepaliveClient;

namespace {

const QString kSupervisor = QStringLiteral(KEEPALIVE_BIN);

int runPetter(int argc, char** argv) {
    QCoreApplication app(argc, argv);
    if (argc != 5)
        return 2;
    KeepaliveClient client;
    KeepaliveClient::Settings settings;
    settings.timeoutMs = QByteArray(argv[2]).toInt();
    settings.intervalMs = QByteArray(argv[3]).toInt();
    settings.power = QString::fromLocal8Bit(argv[4]);
    settings.supervisorPath = kSupervisor;
    QString error;
    if (!client.start(settings, &error)) {
        std::fprintf(stderr, "petter: %s\n", qPrintable(error));
        return 1;
    }
    std::printf("ready %lld\n", static_cast<long long>(client.supervisorPid()));
    std::fflush(stdout);
    return app.exec();
}

} // namespace

class TestKeepalive : public QObject {
    Q_OBJECT

private:
    QTemporaryDir dir_;
    QString actionsPath() const { return dir_.filePath(QStringLiteral("actions")); }
    QString power() const { return QStringLiteral("sandbox:") + dir_.filePath(QStringLiteral("power.sh")); }
    QByteArray actions() const {
        QFile file(actionsPath());
        return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
    }
    KeepaliveClient::Settings settings(int timeoutMs, int intervalMs) const {
        KeepaliveClient::Settings s;
        s.timeoutMs = timeoutMs;
        s.intervalMs = intervalMs;
        s.power = power();
        s.supervisorPath = kSupervisor;
        return s;
    }
    // Starts the petting process; returns once its supervisor runs.
    void startPetter(QProcess& petter, int timeoutMs, int intervalMs) {
        petter.setProcessChannelMode(QProcess::ForwardedErrorChannel);
        petter.start(QCoreApplication::applicationFilePath(),
                     {QStringLiteral("--petter"), QString::number(timeoutMs), QString::number(intervalMs), power()});
        QVERIFY(petter.waitForStarted());
        QTRY_VERIFY_WITH_TIMEOUT(petter.canReadLine() || petter.state() != QProcess::Running, 10000);
        QVERIFY2(petter.readLine().startsWith("ready "), "the petting process did not start its supervisor");
    }

private slots:
    void init() {
        QFile::remove(actionsPath());
        QFile script(dir_.filePath(QStringLiteral("power.sh")));
        QVERIFY(script.open(QIODevice::WriteOnly | QIODevice::Truncate));
        script.write("#!/bin/sh\necho \"$1\" >> '" + QFile::encodeName(actionsPath()) + "'\n");
        script.close();
        QVERIFY(script.setPermissions(QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner));
    }

    void supervisorRefusesBadArguments_data() {
        QTest::addColumn<QStringList>("args");
        QTest::newRow("no fd") << QStringList{"--timeout", "300"};
        QTest::newRow("fd not open") << QStringList{"--timeout", "300", "--fd", "97"};
        QTest::newRow("zero timeout") << QStringList{"--timeout", "0", "--fd", "0"};
        QTest::newRow("bad action") << QStringList{"--timeout", "300", "--fd", "0", "--action", "explode"};
        QTest::newRow("bad power") << QStringList{"--timeout", "300", "--fd", "0", "--power", "sandbox:"};
    }
    void supervisorRefusesBadArguments() {
        QFETCH(QStringList, args);
        QProcess p;
        p.start(kSupervisor, args); // stdin is a pipe: --fd 0 is a usable channel
        QVERIFY(p.waitForFinished(10000));
        QCOMPARE(p.exitCode(), 2);
        QVERIFY(p.readAllStandardError().startsWith("lifeline-keepalive: "));
    }

    // The raw protocol over a pipe (--fd 0), with the one line on stderr.
    void supervisorOverAPipe_data() {
        QTest::addColumn<QByteArray>("last");       // written after the pets ("" = nothing)
        QTest::addColumn<bool>("closeChannel");     // then end of file
        QTest::addColumn<int>("exitCode");
        QTest::addColumn<QByteArray>("actionsFile");
        QTest::addColumn<QByteArray>("why");
        QTest::newRow("missed pets") << QByteArray() << false << 3 << QByteArray("reset\n")
                                     << QByteArray("lifelined did not pet the keepalive for 300 ms");
        QTest::newRow("end of file") << QByteArray() << true << 3 << QByteArray("reset\n")
                                     << QByteArray("closed the keepalive channel without stopping it");
        QTest::newRow("stop") << QByteArray("S") << true << 0 << QByteArray() << QByteArray();
    }
    void supervisorOverAPipe() {
        QFETCH(QByteArray, last);
        QFETCH(bool, closeChannel);
        QFETCH(int, exitCode);
        QFETCH(QByteArray, actionsFile);
        QFETCH(QByteArray, why);
        QProcess p;
        p.start(kSupervisor, {"--timeout", "300", "--fd", "0", "--action", "reset", "--power", power()});
        QVERIFY(p.waitForStarted());
        for (int i = 0; i < 5; ++i) {
            p.write("P");
            QTest::qWait(100);
        }
        if (!last.isEmpty())
            p.write(last);
        if (closeChannel)
            p.closeWriteChannel();
        QVERIFY(p.waitForFinished(10000));
        QCOMPARE(p.exitStatus(), QProcess::NormalExit);
        QCOMPARE(p.exitCode(), exitCode);
        QCOMPARE(actions(), actionsFile);
        const QByteArray err = p.readAllStandardError();
        if (!why.isEmpty()) {
            QVERIFY2(err.contains(why + ' ') || err.contains(why + ':'), err.constData());
            QVERIFY2(err.contains(": reset\n"), err.constData());
        }
    }

    // (a) Pets from the event loop keep the supervisor quiet for several timeouts.
    void regularPetsNoAction() {
        KeepaliveClient client;
        QSignalSpy ended(&client, &KeepaliveClient::supervisorEnded);
        QString error;
        QVERIFY2(client.start(settings(500, 100), &error), qPrintable(error));
        QVERIFY(client.isActive());
        QVERIFY(client.supervisorPid() > 0);
        QTest::qWait(2500);
        QCOMPARE(actions(), QByteArray());
        QCOMPARE(ended.count(), 0);
        QVERIFY2(client.stop(1000, &error), qPrintable(error));
    }

    // (b) Pets stop: the action fires, not before the timeout.
    void missedPetsFireTheAction_data() {
        QTest::addColumn<QString>("action");
        QTest::newRow("reset") << QStringLiteral("reset");
        QTest::newRow("panic") << QStringLiteral("panic");
    }
    void missedPetsFireTheAction() {
        QFETCH(QString, action);
        KeepaliveClient client;
        QSignalSpy ended(&client, &KeepaliveClient::supervisorEnded);
        auto s = settings(300, 0); // no timer: pets by hand
        s.action = action;
        QString error;
        QVERIFY2(client.start(s, &error), qPrintable(error));
        for (int i = 0; i < 6; ++i) {
            QTest::qWait(100);
            QVERIFY(client.pet());
        }
        QCOMPARE(actions(), QByteArray());
        QElapsedTimer sinceLastPet; // monotonic; started before the last pet is written
        sinceLastPet.start();
        QVERIFY(client.pet());
        QTRY_COMPARE_WITH_TIMEOUT(actions(), action.toUtf8() + '\n', 10000);
        QVERIFY2(sinceLastPet.elapsed() >= 300, qPrintable(QString::number(sinceLastPet.elapsed())));
        QTRY_COMPARE_WITH_TIMEOUT(ended.count(), 1, 10000);
        QCOMPARE(ended.at(0).at(0).toInt(), 3);
        QVERIFY(!client.isActive());
        QVERIFY(!client.pet());
    }

    // (c) A stop ends the supervisor (status 0) without any action, even after the timeout.
    void stopEndsWithoutAction() {
        KeepaliveClient client;
        QSignalSpy ended(&client, &KeepaliveClient::supervisorEnded);
        QString error;
        QVERIFY2(client.start(settings(300, 100), &error), qPrintable(error));
        QTest::qWait(500);
        QVERIFY2(client.stop(2000, &error), qPrintable(error));
        QVERIFY(!client.isActive());
        QTest::qWait(1000);
        QCOMPARE(actions(), QByteArray());
        QCOMPARE(ended.count(), 0);
        QVERIFY(client.stop()); // twice is harmless
    }

    // (d) The petting process is SIGSTOPped (its event loop stalls): the supervisor acts.
    void stalledClientIsReset() {
        QProcess petter;
        startPetter(petter, 300, 50);
        QTest::qWait(900); // three timeouts of pets across processes
        QCOMPARE(actions(), QByteArray());
        QElapsedTimer stalled;
        stalled.start();
        ::kill(pid_t(petter.processId()), SIGSTOP);
        QTRY_COMPARE_WITH_TIMEOUT(actions(), QByteArray("reset\n"), 10000);
        // The last pet came at most one interval before the stop.
        QVERIFY2(stalled.elapsed() >= 300 - 50, qPrintable(QString::number(stalled.elapsed())));
        ::kill(pid_t(petter.processId()), SIGKILL);
        QVERIFY(petter.waitForFinished(10000));
    }

    // (e) The petting process dies (end of file without a stop): the action at once, long
    // before the timeout.
    void deathWithoutStopActsAtOnce() {
        QProcess petter;
        startPetter(petter, 20000, 100);
        QTest::qWait(300);
        QElapsedTimer died;
        died.start();
        ::kill(pid_t(petter.processId()), SIGKILL);
        QVERIFY(petter.waitForFinished(10000));
        QTRY_COMPARE_WITH_TIMEOUT(actions(), QByteArray("reset\n"), 10000);
        QVERIFY2(died.elapsed() < 10000, qPrintable(QString::number(died.elapsed())));
    }

    void settingsAreChecked() {
        KeepaliveClient client;
        QString error;
        QVERIFY(!client.start(settings(300, 300), &error));
        QVERIFY2(error.contains(QLatin1String("shorter")), qPrintable(error));
        auto s = settings(300, 100);
        s.supervisorPath = dir_.filePath(QStringLiteral("missing"));
        QVERIFY(!client.start(s, &error));
        QVERIFY2(error.contains(QLatin1String("missing")), qPrintable(error));
        s = settings(300, 100);
        s.action = QStringLiteral("explode");
        QVERIFY(!client.start(s, &error));
        QVERIFY2(error.contains(QLatin1String("explode")), qPrintable(error));
        QVERIFY(!client.isActive());

        KeepaliveClient::Method method;
        QVERIFY(KeepaliveClient::parseMethod(QStringLiteral("Keepalive"), &method));
        QCOMPARE(method, KeepaliveClient::Method::Keepalive);
        QVERIFY(KeepaliveClient::parseMethod(QStringLiteral("softdog"), &method));
        QCOMPARE(method, KeepaliveClient::Method::Softdog);
        QVERIFY(KeepaliveClient::parseMethod(QStringLiteral("none"), &method));
        QCOMPARE(method, KeepaliveClient::Method::None);
        QVERIFY(!KeepaliveClient::parseMethod(QStringLiteral("watchdog"), &method));
    }

    void methodNoneDoesNothing() {
        KeepaliveClient client;
        auto s = settings(300, 100);
        s.method = KeepaliveClient::Method::None;
        QVERIFY(client.start(s));
        QVERIFY(!client.isActive());
        QVERIFY(!client.pet());
        QVERIFY(client.stop());
    }

    void softdogRefusals() {
        KeepaliveClient client;
        QString error;
        auto s = settings(3000, 1000);
        s.method = KeepaliveClient::Method::Softdog;
        QVERIFY(!client.start(s, &error)); // sandbox power: it would reset the real machine
        QVERIFY2(error.contains(QLatin1String("sandbox")), qPrintable(error));
        s.power = QStringLiteral("real");
        s.watchdogDevice = dir_.filePath(QStringLiteral("no-such-watchdog"));
        QVERIFY(!client.start(s, &error));
        QVERIFY2(error.contains(QLatin1String("no-such-watchdog")), qPrintable(error));
        QVERIFY(!client.isActive());
    }

    // Arms the machine's real watchdog: only on request, and only where one exists.
    void softdogPetsAndMagicClose() {
        if (!QFile::exists(QStringLiteral("/dev/watchdog")))
            QSKIP("no /dev/watchdog on this machine (modprobe softdog to test method softdog)");
        if (qEnvironmentVariableIsEmpty("LIFELINE_TEST_WATCHDOG"))
            QSKIP("arms the real watchdog: set LIFELINE_TEST_WATCHDOG=1 to run it");
        KeepaliveClient client;
        auto s = settings(60000, 100);
        s.method = KeepaliveClient::Method::Softdog;
        s.power = QStringLiteral("real");
        QString error;
        QVERIFY2(client.start(s, &error), qPrintable(error));
        QTest::qWait(500);
        QVERIFY(client.pet());
        QVERIFY2(client.stop(1000, &error), qPrintable(error));
    }
};

int main(int argc, char** argv) {
    if (argc > 1 && qstrcmp(argv[1], "--petter") == 0)
        return runPetter(argc, argv);
    QCoreApplication app(argc, argv);
    TestKeepalive test;
    return QTest::qExec(&test, argc, argv);
}

#include "tst_keepalive.moc"
