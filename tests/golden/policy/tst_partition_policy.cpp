// Golden tests of the network-partition decision: partition/<case>.input.json
// gives what a server observed, partition/<case>.expected.json what it must do.
// LIFELINE_UPDATE_GOLDEN=1 writes the expected files (review them before committing).

#include "PartitionPolicy.h"

#include <QDir>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>

using namespace lifeline::policy;

namespace {

const QString kDir = LIFELINE_SOURCE_DIR "/tests/golden/policy/partition";

QJsonObject readJson(const QString& path) {
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        qFatal("cannot read %s", qPrintable(path));
    return QJsonDocument::fromJson(f.readAll()).object();
}

QStringList strings(const QJsonValue& v) {
    QStringList out;
    for (const auto& s : v.toArray())
        out << s.toString();
    return out;
}

} // namespace

class TestPartitionPolicy : public QObject {
    Q_OBJECT
private slots:
    void golden_data() {
        QTest::addColumn<QString>("name");
        const auto inputs = QDir(kDir).entryList({"*.input.json"}, QDir::Files, QDir::Name);
        QVERIFY(inputs.size() >= 10);
        for (const auto& f : inputs)
            QTest::newRow(qPrintable(f)) << f.chopped(QString(".input.json").size());
    }

    void golden() {
        QFETCH(QString, name);
        const auto in = readJson(kDir + "/" + name + ".input.json");
        PartitionInput input;
        input.servers = strings(in["servers"]);
        input.local = in["local"].toString();
        input.reachable = strings(in["reachable"]);
        input.lost = strings(in["lost"]);
        input.pingConfigured = in["pingConfigured"].toBool();
        input.pingReachableNow = in["pingReachableNow"].toBool();
        input.pingReachableBefore = in["pingReachableBefore"].toBool();
        input.lockConfigured = in["lockConfigured"].toBool();
        input.lockWon = in["lockWon"].toBool();
        input.lockReason = in["lockReason"].toString();
        const auto d = resolvePartition(input);
        const QJsonObject actual{{"verdict", verdictName(d.verdict)},
                                 {"method", d.method},
                                 {"reason", d.reason},
                                 {"pingTargetAlreadyLost", d.pingTargetAlreadyLost}};
        if (qEnvironmentVariableIsSet("LIFELINE_UPDATE_GOLDEN")) {
            QFile out(kDir + "/" + name + ".expected.json");
            QVERIFY(out.open(QIODevice::WriteOnly | QIODevice::Truncate));
            out.write(QJsonDocument(actual).toJson());
        }
        const auto expected = readJson(kDir + "/" + name + ".expected.json");
        QCOMPARE(QJsonDocument(actual).toJson(), QJsonDocument(expected).toJson());
    }

    void takeoverWaitsForTheLosersAction() {
        PartitionDecision d;
        const TakeoverTimings t{100, 1000, 300, 2000};
        d.method = QStringLiteral("ping");
        QCOMPARE(takeoverDelayMs(d, t), 1400);
        d.method = QStringLiteral("majority");
        QCOMPARE(takeoverDelayMs(d, t), 1100);
        d.method = QStringLiteral("disk");
        QCOMPARE(takeoverDelayMs(d, t), 3100);
        d.method = QStringLiteral("ping+disk");
        QCOMPARE(takeoverDelayMs(d, t), 3400);
        d.method = QStringLiteral("none");
        QCOMPARE(takeoverDelayMs(d, t), 0);
    }

    // With ping, the loser checks before the timeout and is down by its own timeout minus
    // an interval; the survivor then waits one interval (the skew between the two timeouts).
    void earlyIsolationCheckShortensThePingWait() {
        TakeoverTimings t{100, 2500, 300, 0, true};
        auto early = earlyIsolationCheck(t);
        QVERIFY(early);
        QCOMPARE(early->atSilenceMs, 200);        // two intervals
        QCOMPARE(early->decideBySilenceMs, 1800); // a quarter of the 2400 ms is the action's
        QCOMPARE(early->downBySilenceMs, 2400);   // one interval before the timeout
        PartitionDecision d;
        d.method = QStringLiteral("ping");
        QCOMPARE(takeoverDelayMs(d, t), 100);
        d.method = QStringLiteral("ping+disk"); // the lock decides at the timeout: as before
        QCOMPARE(takeoverDelayMs(d, t), 100 + 2500 + 300);
        d.method = QStringLiteral("majority");
        QCOMPARE(takeoverDelayMs(d, t), 100 + 2500);

        t = {1000, 5000, 300, 0, true}; // the defaults
        early = earlyIsolationCheck(t);
        QVERIFY(early);
        QCOMPARE(early->atSilenceMs, 2000);
        QCOMPARE(early->decideBySilenceMs, 3000);
        QCOMPARE(early->downBySilenceMs, 4000);

        // A decision before 1.5 s of silence would not outlast the kernel's ARP retry after
        // a blackout: none at 100 ms / 1 s, and the survivor waits the whole way.
        t = {100, 1000, 300, 0, true};
        QVERIFY(!earlyIsolationCheck(t));
        d.method = QStringLiteral("ping");
        QCOMPARE(takeoverDelayMs(d, t), 1400);
        t = {100, 2100, 300, 0, true}; // decides at 1500: the first timeout that has one
        QVERIFY(earlyIsolationCheck(t));
        QCOMPARE(earlyIsolationCheck(t)->decideBySilenceMs, 1500);
        t.timeoutMs = 2090;
        QVERIFY(!earlyIsolationCheck(t));

        // Too short a timeout to listen for the ping timeout and leave the action its part:
        // no early check either.
        t = {1000, 5000, 3000, 0, true};
        QVERIFY(!earlyIsolationCheck(t));
        QCOMPARE(takeoverDelayMs(d, t), 9000);
        t = {100, 2500, 300, 0, false}; // no pingnp, nothing to check early
        QVERIFY(!earlyIsolationCheck(t));
        QCOMPARE(isolatedActionLimitMs(t), 2400);
    }

    // Whatever the timings, the early loser is down before the survivor may take over:
    // the survivor's verdict comes a timeout after it last heard the loser, which is at
    // most one interval before the loser last heard it.
    void earlyLoserIsDownBeforeTheTakeover() {
        for (int interval : {50, 100, 500, 1000, 3000})
            for (int timeout : {2 * interval, 3 * interval, 10 * interval, 30 * interval, 90000})
                for (int ping : {0, 100, 300, 1000, 3000}) {
                    const TakeoverTimings t{interval, timeout, ping, 0, true};
                    const auto early = earlyIsolationCheck(t);
                    if (!early)
                        continue;
                    PartitionDecision d;
                    d.method = QStringLiteral("ping");
                    const int loserDown = interval + early->downBySilenceMs; // heard us later
                    const int takeover = timeout + takeoverDelayMs(d, t);
                    QVERIFY2(loserDown < takeover, qPrintable(QStringLiteral("%1/%2/%3").arg(interval).arg(timeout).arg(ping)));
                    QVERIFY(early->atSilenceMs >= 2 * interval);
                    QVERIFY(early->decideBySilenceMs - early->atSilenceMs >= ping); // it listens
                    QVERIFY(early->downBySilenceMs - early->decideBySilenceMs >= interval); // it acts
                    QVERIFY(early->decideBySilenceMs >= kEarlyDecisionFloorMs);
                }
    }

    // Whatever the inputs, two disjoint sides of a 3+ server cluster never both
    // survive by majority (the property the golden cases sample).
    void majorityNeverHasTwoWinners() {
        for (int total = 3; total <= 9; ++total) {
            QStringList all;
            for (int i = 1; i <= total; ++i)
                all << QStringLiteral("s%1").arg(i);
            for (int split = 1; split < total; ++split) {
                const QStringList a = all.mid(0, split), b = all.mid(split);
                auto side = [&](const QStringList& mine, const QStringList& other) {
                    PartitionInput in;
                    in.servers = all;
                    in.local = mine.first();
                    in.reachable = mine.mid(1);
                    in.lost = other;
                    in.pingConfigured = in.pingReachableNow = in.pingReachableBefore = true;
                    return resolvePartition(in).verdict;
                };
                const bool aWins = side(a, b) == Verdict::Survive;
                const bool bWins = side(b, a) == Verdict::Survive;
                if (2 * split != total)
                    QVERIFY2(aWins != bWins, qPrintable(QString("%1 + %2").arg(split).arg(total - split)));
            }
        }
    }

    // With the disk lock, two sides (two servers, or two halves) never both survive, whatever
    // each side's ping saw: at most one side holds the lock.
    void diskLockNeverHasTwoWinners() {
        for (int total : {2, 4}) {
            QStringList all;
            for (int i = 1; i <= total; ++i)
                all << QStringLiteral("s%1").arg(i);
            const QStringList a = all.mid(0, total / 2), b = all.mid(total / 2);
            for (int ping = 0; ping < 64; ++ping)
                for (int holder = 0; holder < 3; ++holder) { // a, b, nobody
                    auto side = [&](const QStringList& mine, const QStringList& other, int bits, bool won) {
                        PartitionInput in;
                        in.servers = all;
                        in.local = mine.first();
                        in.reachable = mine.mid(1);
                        in.lost = other;
                        in.pingConfigured = bits & 1;
                        in.pingReachableNow = bits & 2;
                        in.pingReachableBefore = bits & 4;
                        in.lockConfigured = true;
                        in.lockWon = won;
                        return resolvePartition(in).verdict;
                    };
                    const bool aWins = side(a, b, ping & 7, holder == 0) == Verdict::Survive;
                    const bool bWins = side(b, a, ping >> 3, holder == 1) == Verdict::Survive;
                    QVERIFY2(!(aWins && bWins), qPrintable(QString("total %1 ping %2 holder %3")
                                                               .arg(total).arg(ping).arg(holder)));
                }
        }
    }
};

QTEST_GUILESS_MAIN(TestPartitionPolicy)
#include "tst_partition_policy.moc"
