// clptoratio, clpstdn and clpdown on their own: argument rules (the manual's -r RATIO -t TIME,
// -i, -s; [-r|-h]), the period forms, and the wording of their outcomes.

#include "ShutdownCommand.h"
#include "TimeoutRatioCommand.h"

#include <QJsonArray>
#include <QTest>

using namespace lifeline;
using lifeline::cli::ShutdownCommand;
using lifeline::cli::TimeoutRatioCommand;

namespace {

control::ControlReply ok(const QJsonObject& result) {
    control::ControlReply r;
    r.status = control::ControlReply::Status::Ok;
    r.result = result;
    r.raw = {{"ok", true}, {"result", result}};
    return r;
}

} // namespace

class TestOperationsCommands : public QObject {
    Q_OBJECT
private slots:
    void periods_data() {
        QTest::addColumn<QString>("text");
        QTest::addColumn<qint64>("seconds"); // -1: refused
        QTest::newRow("seconds") << "30s" << qint64(30);
        QTest::newRow("minutes") << "2m" << qint64(120);
        QTest::newRow("hours") << "1h" << qint64(3600);
        QTest::newRow("days") << "4d" << qint64(4 * 86400);
        QTest::newRow("no unit") << "10" << qint64(-1);
        QTest::newRow("combined") << "2m3h" << qint64(-1);
        QTest::newRow("unknown unit") << "3w" << qint64(-1);
        QTest::newRow("upper case") << "1H" << qint64(-1);
        QTest::newRow("fraction") << "1.5h" << qint64(-1);
        QTest::newRow("negative") << "-1h" << qint64(-1);
        QTest::newRow("empty") << "" << qint64(-1);
    }
    void periods() {
        QFETCH(QString, text);
        QFETCH(qint64, seconds);
        const auto parsed = TimeoutRatioCommand::parsePeriod(text);
        if (seconds < 0)
            QVERIFY2(!parsed, qPrintable(text));
        else
            QCOMPARE(parsed.value_or(-1), seconds);
    }

    void timeoutRatioRequests_data() {
        QTest::addColumn<QStringList>("args");
        QTest::addColumn<QString>("command");
        QTest::addColumn<int>("ratio");
        QTest::addColumn<double>("seconds");
        QTest::newRow("manual") << QStringList{"-r", "3", "-t", "1h"} << "timeoutratio.set" << 3 << 3600.0;
        QTest::newRow("days") << QStringList{"-r", "2", "-t", "3d"} << "timeoutratio.set" << 2 << 259200.0;
        QTest::newRow("maximum") << QStringList{"-r", "10000", "-t", "30d"} << "timeoutratio.set" << 10000
                                 << 2592000.0;
        QTest::newRow("reset") << QStringList{"-i"} << "timeoutratio.reset" << 0 << 0.0;
        QTest::newRow("ratio 1 resets") << QStringList{"-r", "1"} << "timeoutratio.reset" << 0 << 0.0;
        QTest::newRow("show") << QStringList{"-s"} << "timeoutratio.show" << 0 << 0.0;
    }
    void timeoutRatioRequests() {
        QFETCH(QStringList, args);
        QFETCH(QString, command);
        QFETCH(int, ratio);
        QFETCH(double, seconds);
        TimeoutRatioCommand::Request request;
        QString error;
        QVERIFY2(TimeoutRatioCommand::parse(args, &request, &error), qPrintable(error));
        QCOMPARE(request.command, command);
        if (ratio) {
            QCOMPARE(request.args.value("ratio").toInt(), ratio);
            QCOMPARE(request.args.value("seconds").toDouble(), seconds);
        } else {
            QVERIFY(request.args.isEmpty());
        }
    }

    void timeoutRatioUsage_data() {
        QTest::addColumn<QStringList>("args");
        QTest::addColumn<QString>("message");
        QTest::newRow("nothing") << QStringList{} << "choose one of";
        QTest::newRow("two actions") << QStringList{"-i", "-s"} << "choose one of";
        QTest::newRow("no period") << QStringList{"-r", "3"} << "-t TIME";
        QTest::newRow("ratio 0") << QStringList{"-r", "0", "-t", "1h"} << "integer value of 1 or more";
        QTest::newRow("ratio not a number") << QStringList{"-r", "x", "-t", "1h"} << "integer value of 1 or more";
        QTest::newRow("ratio fraction") << QStringList{"-r", "1.5", "-t", "1h"} << "integer value of 1 or more";
        QTest::newRow("ratio too big") << QStringList{"-r", "10001", "-t", "1h"} << "maximum scale factor";
        QTest::newRow("bad period") << QStringList{"-r", "3", "-t", "1w"} << "Ex) 30s, 2m, 3h, 4d";
        QTest::newRow("zero period") << QStringList{"-r", "3", "-t", "0m"} << "Ex) 30s, 2m, 3h, 4d";
        QTest::newRow("period too long") << QStringList{"-r", "3", "-t", "31d"} << "maximum extension period";
        QTest::newRow("period with ratio 1") << QStringList{"-r", "1", "-t", "1h"} << "ratio 1";
        QTest::newRow("period alone") << QStringList{"-t", "1h"} << "choose one of";
        QTest::newRow("period with -i") << QStringList{"-i", "-t", "1h"} << "-t applies to -r only";
        QTest::newRow("extra argument") << QStringList{"-s", "now"} << "unexpected argument";
    }
    void timeoutRatioUsage() {
        QFETCH(QStringList, args);
        QFETCH(QString, message);
        TimeoutRatioCommand::Request request;
        QString error;
        QVERIFY(!TimeoutRatioCommand::parse(args, &request, &error));
        QVERIFY2(error.contains(message), qPrintable(error));
    }

    void timeoutRatioOutcomes() {
        TimeoutRatioCommand::Request set{QStringLiteral("timeoutratio.set"), {}};
        auto o = TimeoutRatioCommand::outcome(
            set, ok({{"ratio", 3}, {"servers", QJsonObject{{"server1", QJsonObject{{"ok", true}}}}}}), false);
        QCOMPARE(o.out, QStringLiteral("Command succeeded.\n"));
        QCOMPARE(o.exitCode, 0);
        // A server that was not reached learns it later: named, and no failure.
        o = TimeoutRatioCommand::outcome(
            set,
            ok({{"ratio", 3},
                {"servers", QJsonObject{{"server1", QJsonObject{{"ok", true}}},
                                        {"server2", QJsonObject{{"ok", false}, {"message", "no answer"}}}}}}),
            false);
        QCOMPARE(o.exitCode, 0);
        QCOMPARE(o.err, QStringLiteral("server2: no answer\n"));

        TimeoutRatioCommand::Request show{QStringLiteral("timeoutratio.show"), {}};
        o = TimeoutRatioCommand::outcome(show, ok({{"ratio", 1}, {"remainingMs", 0}}), false);
        QCOMPARE(o.out, QStringLiteral("present toratio : 1\n"));
        o = TimeoutRatioCommand::outcome(show,
                                         ok({{"ratio", 3},
                                             {"remainingMs", 3599000.0},
                                             {"expires", "2030-01-01T10:00:00.000Z"},
                                             {"origin", "server1"}}),
                                         false);
        QVERIFY2(o.out.startsWith(QStringLiteral("present toratio : 3\nremaining time  : 00:59:59 (until ")),
                 qPrintable(o.out));
        QVERIFY2(o.out.endsWith(QStringLiteral(", set on server1)\n")), qPrintable(o.out));
        QCOMPARE(TimeoutRatioCommand::formatRemaining(2 * 86400000 + 3723000), QStringLiteral("2d 01:02:03"));

        control::ControlReply refused;
        refused.status = control::ControlReply::Status::Error;
        refused.message = QStringLiteral("Permission denied: changing the cluster requires root.");
        o = TimeoutRatioCommand::outcome(set, refused, false);
        QCOMPARE(o.exitCode, 1);
        QCOMPARE(o.err, refused.message + QStringLiteral("\nCommand failed.\n"));
        control::ControlReply down;
        down.status = control::ControlReply::Status::Transport;
        down.message = QStringLiteral("could not connect");
        QCOMPARE(TimeoutRatioCommand::outcome(show, down, false).exitCode, 2);
    }

    void shutdownRequests_data() {
        QTest::addColumn<QStringList>("args");
        QTest::addColumn<bool>("wholeCluster");
        QTest::addColumn<QString>("command");
        QTest::addColumn<QString>("action");
        QTest::newRow("clpstdn") << QStringList{} << true << "cluster.shutdown" << "shutdown";
        QTest::newRow("clpstdn -r") << QStringList{"-r"} << true << "cluster.shutdown" << "reboot";
        QTest::newRow("clpstdn -h") << QStringList{"-h"} << true << "cluster.shutdown" << "halt";
        QTest::newRow("clpdown") << QStringList{} << false << "server.shutdown" << "shutdown";
        QTest::newRow("clpdown -r") << QStringList{"-r"} << false << "server.shutdown" << "reboot";
        QTest::newRow("clpdown -h") << QStringList{"-h"} << false << "server.shutdown" << "halt";
    }
    void shutdownRequests() {
        QFETCH(QStringList, args);
        QFETCH(bool, wholeCluster);
        QFETCH(QString, command);
        QFETCH(QString, action);
        ShutdownCommand::Request request;
        QString error;
        QVERIFY2(ShutdownCommand::parse(args, wholeCluster, &request, &error), qPrintable(error));
        QCOMPARE(request.command, command);
        QCOMPARE(request.args, (QJsonObject{{"action", action}}));
    }

    void shutdownUsage() {
        ShutdownCommand::Request request;
        QString error;
        QVERIFY(!ShutdownCommand::parse({"-r", "-h"}, true, &request, &error));
        QVERIFY2(error.contains("not both"), qPrintable(error));
        QVERIFY(!ShutdownCommand::parse({"-rh"}, false, &request, &error));
        QVERIFY(!ShutdownCommand::parse({"server2"}, false, &request, &error));
        QVERIFY2(error.contains("unexpected argument"), qPrintable(error));
        QVERIFY(!ShutdownCommand::parse({"-x"}, true, &request, &error));
    }

    void shutdownOutcomes() {
        auto o = ShutdownCommand::outcome(
            ok({{"servers", QJsonObject{{"server1", QJsonObject{{"ok", true}}}}},
                {"groups", QJsonArray{QJsonObject{{"group", "failover1"}, {"ok", true}}}}}),
            false);
        QCOMPARE(o.out, QStringLiteral("Command succeeded.\n"));
        QCOMPARE(o.err, QString());
        // A group with nowhere to go stopped with the service: said, not a failure.
        o = ShutdownCommand::outcome(
            ok({{"servers", QJsonObject{{"server1", QJsonObject{{"ok", true}}}}},
                {"groups", QJsonArray{QJsonObject{{"group", "failover1"}, {"ok", false},
                                                  {"message", "group failover1 has no other server to move to"}}}}}),
            false);
        QCOMPARE(o.exitCode, 0);
        QCOMPARE(o.err, QStringLiteral("failover1: not moved (group failover1 has no other server to move "
                                       "to); it stopped with the cluster service\n"));
        // A server that could not be shut down fails the command.
        o = ShutdownCommand::outcome(
            ok({{"servers", QJsonObject{{"server1", QJsonObject{{"ok", true}}},
                                        {"server2", QJsonObject{{"ok", false}, {"message", "not shut down: x"}}}}}}),
            false);
        QCOMPARE(o.exitCode, 1);
        QCOMPARE(o.err, QStringLiteral("server2: not shut down: x\nCommand failed.\n"));
        QCOMPARE(o.out, QString());
    }
};

QTEST_APPLESS_MAIN(TestOperationsCommands)
#include "tst_operations_commands.moc"
