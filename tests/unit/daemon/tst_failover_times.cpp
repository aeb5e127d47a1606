// What lifelined measures of a failover (FailoverTimes) and how it shows every server's
// monitor states (MonitorStates): pure, with the monotonic times given.
#include "FailoverTimes.h"
#include "MonitorStates.h"

#include <QJsonArray>
#include <QtTest>

using namespace lifeline::daemon;

class TestFailoverTimes : public QObject {
    Q_OBJECT
private slots:
    void serverLossIsMeasuredWhereTheGroupArrives() {
        FailoverTimes t;
        const QDateTime wall = QDateTime::currentDateTime();
        // server2 last heard at 1000, declared down at 1600; it held failover1.
        t.serverLost("server2", {"failover1"}, 1000, 1600);
        QVERIFY(t.waiting());
        QVERIFY(!t.groupOnline("failover1", "server2", "server1", 1700, wall)); // still the old report
        QVERIFY(!t.groupOnline("other", "server1", "server1", 1800, wall));
        QVERIFY(t.groupOnline("failover1", "server1", "server1", 2900, wall));
        QVERIFY(!t.waiting());
        QCOMPARE(t.count(), 1);
        const auto& r = t.recent().first();
        QCOMPARE(r.detectionMs, 600);
        QCOMPARE(r.takeoverMs, 1300);
        QCOMPARE(r.cause, "server");
        QCOMPARE(r.from, "server2");
        QCOMPARE(r.to, "server1");
        const auto json = t.toJson();
        QCOMPARE(json["count"].toInteger(), 1);
        QCOMPARE(json["recent"].toArray()[0].toObject()["detectionSeconds"].toDouble(), 0.6);
        QCOMPARE(json["totals"].toArray()[0].toObject()["takeoverSeconds"].toDouble(), 1.3);
        // Once: the same group Online again is no second failover.
        QVERIFY(!t.groupOnline("failover1", "server1", "server1", 3000, wall));
        QCOMPARE(t.count(), 1);
    }

    void takenOverElsewhereOrBackIsNotMeasuredHere() {
        FailoverTimes t;
        const QDateTime wall;
        t.serverLost("server2", {"g1", "g2"}, -1, 100);
        QVERIFY(!t.groupOnline("g1", "server3", "server1", 200, wall)); // server3 measures it
        t.serverBack("server2");                                         // g2 stays where it was
        QVERIFY(!t.waiting());
        t.serverLost("server2", {"g1"}, -1, 300);
        QVERIFY(t.groupOnline("g1", "server1", "server1", 400, wall));
        QVERIFY(!t.toJson()["recent"].toArray()[0].toObject().contains("detectionSeconds")); // not known
        // A takeover ending after the limit is not a measurement.
        t.serverLost("server2", {"g1"}, 0, 1000);
        QVERIFY(!t.groupOnline("g1", "server1", "server1", 1000 + FailoverTimes::kPendingLimitMs + 1, wall));
        QCOMPARE(t.count(), 1);
    }

    void monitorFailoverIsMeasuredWhereTheGroupLeft() {
        FailoverTimes t;
        const QDateTime wall;
        t.monitorFailover("genw1", "failover1", "server1", 5000);
        t.monitorFailover("genw1", "failover1", "server1", 5200); // the clock is not restarted
        QVERIFY(!t.groupOnline("failover1", "server1", "server1", 5300, wall)); // not left yet
        QVERIFY(t.groupOnline("failover1", "server2", "server1", 5900, wall));
        QCOMPARE(t.recent().first().takeoverMs, 900);
        QCOMPARE(t.recent().first().cause, "monitor");
        QCOMPARE(t.recent().first().source, "genw1");
        QCOMPARE(t.recent().first().detectionMs, -1);
    }

    void keepsTheNewestAndCountsAll() {
        FailoverTimes t;
        for (int i = 0; i < FailoverTimes::kKept + 5; ++i) {
            t.serverLost("server2", {"g"}, i * 100, i * 100 + 10);
            QVERIFY(t.groupOnline("g", "server1", "server1", i * 100 + 20, {}));
        }
        QCOMPARE(t.recent().size(), FailoverTimes::kKept);
        QCOMPARE(t.count(), FailoverTimes::kKept + 5);
        const auto total = t.toJson()["totals"].toArray()[0].toObject();
        QCOMPARE(total["count"].toInteger(), FailoverTimes::kKept + 5); // the sums keep growing
        QCOMPARE(total["detectionCount"].toInteger(), FailoverTimes::kKept + 5);
    }

    void monitorStatesOnEveryServer() {
        MonitorStates states(3000);
        const QStringList servers{"server1", "server2", "server3"};
        QSet<QString> heard{"server2", "server3"};
        const auto isHeard = [&](const QString& s) { return heard.contains(s); };
        states.offer("server2", {{"genw1", "Error"}}, 1000);
        auto m = states.perServer("genw1", servers, "server1", "Normal", isHeard, 2000);
        QCOMPARE(m["server1"].toString(), "Normal");
        QCOMPARE(m["server2"].toString(), "Error");
        QCOMPARE(m["server3"].toString(), "Unknown"); // heard, never reported
        // A report too old is not believed; a server not heard is Offline, whatever it said.
        m = states.perServer("genw1", servers, "server1", "Normal", isHeard, 4001);
        QCOMPARE(m["server2"].toString(), "Unknown");
        states.offer("server2", {{"genw1", "Normal"}}, 4001);
        heard.remove("server2");
        m = states.perServer("genw1", servers, "server1", "Normal", isHeard, 4002);
        QCOMPARE(m["server2"].toString(), "Offline");
        QCOMPARE(states.perServer("nosuch", servers, "server1", "Normal", [](const QString&) { return true; }, 4002)
                     .value("server2").toString(),
                 "Unknown");
    }
};

QTEST_GUILESS_MAIN(TestFailoverTimes)
#include "tst_failover_times.moc"
