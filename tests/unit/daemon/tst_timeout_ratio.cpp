// clptoratio's record on one server (TimeoutRatio): set, reset, expiry on a monotonic
// deadline, the state file across a restart (also one that ended meanwhile), and which of two
// servers' records wins.
#include "AlertLog.h"
#include "TimeoutRatio.h"

#include <QDateTime>
#include <QFile>
#include <QJsonDocument>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QtTest>

using namespace lifeline::daemon;

class TestTimeoutRatio : public QObject {
    Q_OBJECT
private:
    QTemporaryDir dir_;
    std::unique_ptr<AlertLog> alerts_;

    QString file() const { return dir_.filePath(QStringLiteral("timeoutratio.json")); }
    QString alertLog() const {
        QFile f(dir_.filePath(QStringLiteral("alert.log")));
        return f.open(QIODevice::ReadOnly) ? QString::fromUtf8(f.readAll()) : QString();
    }
    std::unique_ptr<TimeoutRatio> make(const QString& server = QStringLiteral("server1")) {
        auto r = std::make_unique<TimeoutRatio>(file(), server, *alerts_);
        r->load();
        return r;
    }

private slots:
    void init() {
        QFile::remove(file());
        QFile::remove(dir_.filePath(QStringLiteral("alert.log")));
        alerts_ = std::make_unique<AlertLog>(QStringLiteral("server1"), dir_.path());
    }
    void cleanup() { alerts_.reset(); }

    void setSurvivesARestart() {
        auto r = make();
        QCOMPARE(r->ratio(), 1);
        QSignalSpy changed(r.get(), &TimeoutRatio::ratioChanged);
        QString error;
        QVERIFY(r->set(3, 3600 * 1000, QStringLiteral("server1"), &error));
        QCOMPARE(r->ratio(), 3);
        QCOMPARE(changed.count(), 1);
        QVERIFY(r->remainingMs() > 3590 * 1000 && r->remainingMs() <= 3600 * 1000);
        QVERIFY(alertLog().contains("Timeout ratio 3 is in effect until"));
        r.reset();
        auto again = make();
        QCOMPARE(again->ratio(), 3);
        QVERIFY(again->remainingMs() > 3590 * 1000);
        QCOMPARE(again->origin(), QStringLiteral("server1"));
        QVERIFY(alertLog().contains("goes on until"));
        again->reset(QStringLiteral("server1"));
        QCOMPARE(again->ratio(), 1);
        QCOMPARE(again->remainingMs(), 0);
        QVERIFY(alertLog().contains("The timeout ratio 3 is reset"));
        QCOMPARE(make()->ratio(), 1);
    }

    void expiresByItself() {
        auto r = make();
        QSignalSpy changed(r.get(), &TimeoutRatio::ratioChanged);
        QString error;
        QVERIFY(r->set(2, 200, QStringLiteral("server1"), &error));
        QCOMPARE(r->ratio(), 2);
        QTRY_COMPARE_WITH_TIMEOUT(changed.count(), 2, 5000);
        QCOMPARE(changed.last().first().toInt(), 1);
        QCOMPARE(r->ratio(), 1);
        QVERIFY(alertLog().contains("has expired"));
        QCOMPARE(make()->ratio(), 1); // ended for good: the file says so
    }

    void endedWhileDown() {
        // A setting whose end passed while lifelined was not running.
        QFile f(file());
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(QJsonDocument(QJsonObject{{"ratio", 3},
                                          {"expiresAt", double(QDateTime::currentMSecsSinceEpoch() - 1000)},
                                          {"generation", 4},
                                          {"setAt", 1.0},
                                          {"origin", "server2"}})
                    .toJson());
        f.close();
        auto r = make();
        QCOMPARE(r->ratio(), 1);
        QVERIFY(alertLog().contains("while lifelined was not running"));
        QCOMPARE(r->toJson().value("generation").toInt(), 4); // the record is kept: it is no news to peers
    }

    void refusesOutOfRange() {
        auto r = make();
        QString error;
        QVERIFY(!r->set(10001, 1000, QStringLiteral("server1"), &error));
        QVERIFY(!r->set(3, 0, QStringLiteral("server1"), &error));
        QVERIFY(!r->set(3, TimeoutRatio::kMaxDurationMs + 1, QStringLiteral("server1"), &error));
        QCOMPARE(r->ratio(), 1);
    }

    void greaterRecordWins() {
        auto a = make(QStringLiteral("server1"));
        QTemporaryDir other;
        TimeoutRatio b(other.filePath(QStringLiteral("t.json")), QStringLiteral("server2"), *alerts_);
        b.load();
        QString error;
        QVERIFY(a->set(3, 60000, QStringLiteral("server1"), &error));
        QVERIFY(b.offer(a->toJson()));
        QCOMPARE(b.ratio(), 3);
        QVERIFY(b.remainingMs() > 59000);
        QVERIFY(!b.offer(a->toJson())); // the same record again: nothing new
        QVERIFY(!a->offer(b.toJson()));
        // b resets: a newer generation, taken by a; a's old record does not bring it back.
        const QJsonObject old = a->toJson();
        b.reset(QStringLiteral("server2"));
        QVERIFY(a->offer(b.toJson()));
        QCOMPARE(a->ratio(), 1);
        QVERIFY(!b.offer(old));
        QCOMPARE(b.ratio(), 1);
        // Same generation: the later one wins, whichever arrives first.
        QVERIFY(a->set(4, 60000, QStringLiteral("server1"), &error));
        QTest::qWait(5);
        QVERIFY(b.set(5, 60000, QStringLiteral("server2"), &error));
        QCOMPARE(a->toJson().value("generation"), b.toJson().value("generation"));
        QVERIFY(a->offer(b.toJson()));
        QVERIFY(!b.offer(a->toJson()));
        QCOMPARE(a->ratio(), 5);
        // A record whose time is up when it arrives is taken as ended (ratio 1).
        QJsonObject ended = b.toJson();
        ended["generation"] = ended["generation"].toDouble() + 1;
        ended["remainingMs"] = 0;
        QVERIFY(a->offer(ended));
        QCOMPARE(a->ratio(), 1);
    }
};

QTEST_GUILESS_MAIN(TestTimeoutRatio)
#include "tst_timeout_ratio.moc"
