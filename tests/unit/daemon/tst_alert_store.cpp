// The alert store: numbering, filters, the bound, idempotent and gap-aware merges, what a
// peer lacks, and that a committed alert survives a killed process. Also AlertLog's
// asynchronous facade over it.
#include "AlertLog.h"
#include "AlertStore.h"

#include <QProcess>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QtTest>

#include <csignal>
#include <unistd.h>

using namespace lifeline::daemon;

namespace {

Alert make(const QString& module, Alert::Type type, int id, const QString& message,
           qint64 msAgo = 0) {
    Alert a;
    a.time = QDateTime::currentDateTimeUtc().addMSecs(-msAgo);
    a.module = module;
    a.type = type;
    a.id = id;
    a.message = message;
    return a;
}

Alert remote(const QString& server, qint64 seq, const QString& message = QStringLiteral("remote")) {
    Alert a = make(QStringLiteral("cluster"), Alert::Type::Info, 201, message);
    a.server = server;
    a.seq = seq;
    return a;
}

// The child of crashDurability: stores `count` alerts, then dies without closing anything.
int writeAndDie(const char* path, int count) {
    AlertStore store(QString::fromLocal8Bit(path), QStringLiteral("server1"));
    QString error;
    if (!store.open(&error))
        return 2;
    for (int i = 0; i < count; ++i) {
        Alert a = make(QStringLiteral("logcmd"), Alert::Type::Warning, 1,
                       QStringLiteral("before the crash %1").arg(i));
        if (!store.append(a, &error))
            return 3;
    }
    std::fputs("written\n", stdout);
    std::fflush(stdout);
    ::kill(::getpid(), SIGKILL);
    return 4;
}

} // namespace

class TestAlertStore : public QObject {
    Q_OBJECT
private:
    QTemporaryDir dir_;
    QString path(const char* name) const { return dir_.filePath(QLatin1String(name)); }

private slots:
    void appendNumbersAndLists() {
        AlertStore store(path("append.db"), QStringLiteral("server1"));
        QString error;
        QVERIFY2(store.open(&error), qPrintable(error));
        const qint64 before = QDateTime::currentMSecsSinceEpoch();
        Alert a = make(QStringLiteral("cluster"), Alert::Type::Info, 1, QStringLiteral("started"));
        QVERIFY2(store.append(a, &error), qPrintable(error));
        // A new store numbers from the current time: a recreated store never reuses a number.
        QVERIFY(a.seq >= before);
        QCOMPARE(a.server, QStringLiteral("server1"));
        Alert b =
            make(QStringLiteral("hb"), Alert::Type::Warning, 101, QStringLiteral("path offline"));
        QVERIFY(store.append(b, &error));
        QCOMPARE(b.seq, a.seq + 1);
        QCOMPARE(store.count(), 2);
        QCOMPARE(store.marks().value(QStringLiteral("server1")), b.seq);

        const auto all = store.query({});
        QCOMPARE(all.size(), 2);
        QCOMPARE(all.last().message, QStringLiteral("path offline")); // newest last
        QCOMPARE(all.first().time.toMSecsSinceEpoch(), a.time.toMSecsSinceEpoch());
        QCOMPARE(all.first().type, Alert::Type::Info);
        QCOMPARE(all.first().id, 1);
    }

    void filters() {
        AlertStore store(path("filters.db"), QStringLiteral("server1"));
        QString error;
        QVERIFY(store.open(&error));
        for (int i = 0; i < 5; ++i) {
            Alert a = make(i % 2 ? QStringLiteral("mon") : QStringLiteral("group"),
                           i == 4 ? Alert::Type::Error : Alert::Type::Info, 500 + i,
                           QString::number(i), 1000 - i);
            QVERIFY(store.append(a, &error));
        }
        QVERIFY(store.merge({remote(QStringLiteral("server2"), 7)}).ok);

        AlertFilter f;
        f.max = 2;
        auto list = store.query(f);
        QCOMPARE(list.size(), 2);
        QCOMPARE(list.last().server, QStringLiteral("server2")); // the newest of all
        QCOMPARE(list.first().message, QStringLiteral("4"));

        f = {};
        f.server = QStringLiteral("server2");
        QCOMPARE(store.query(f).size(), 1);
        f = {};
        f.type = Alert::Type::Error;
        list = store.query(f);
        QCOMPARE(list.size(), 1);
        QCOMPARE(list.first().id, 504);
        f = {};
        f.module = QStringLiteral("mon");
        QCOMPARE(store.query(f).size(), 2);

        // The control command's arguments.
        QString why;
        auto parsed =
            AlertFilter::fromJson({{"max", 3}, {"type", "warn"}, {"server", "server1"}}, &why);
        QVERIFY(parsed);
        QCOMPARE(parsed->max, 3);
        QCOMPARE(*parsed->type, Alert::Type::Warning);
        QVERIFY(!AlertFilter::fromJson({{"max", -1}}, &why));
        QVERIFY(!AlertFilter::fromJson({{"type", "fatal"}}, &why));
        QVERIFY(why.contains("fatal"));
    }

    void boundDeletesTheOldestInBatches() {
        AlertStore store(path("bound.db"), QStringLiteral("server1"), 20);
        QString error;
        QVERIFY(store.open(&error));
        qint64 firstSeq = 0;
        for (int i = 0; i < 45; ++i) {
            Alert a = make(QStringLiteral("cluster"), Alert::Type::Info, 1, QString::number(i),
                           100000 - i);
            QVERIFY2(store.append(a, &error), qPrintable(error));
            if (i == 0)
                firstSeq = a.seq;
            QVERIFY2(store.count() <= 20, qPrintable(QString::number(store.count())));
        }
        // 20 rows; the 21st trims the oldest tenth (2 rows) and so on: 45 leave 19.
        QCOMPARE(store.count(), 19);
        const auto list = store.query({});
        QCOMPARE(list.size(), 19);
        QCOMPARE(list.first().message, QStringLiteral("26"));
        QCOMPARE(list.last().message, QStringLiteral("44"));
        // The mark stays: rotated alerts are never fetched again.
        QCOMPARE(store.marks().value(QStringLiteral("server1")), firstSeq + 44);
        // Merged alerts count against the bound too.
        QList<Alert> many;
        for (int i = 1; i <= 30; ++i)
            many << remote(QStringLiteral("server2"), i);
        QVERIFY(store.merge(many).ok);
        QVERIFY(store.count() <= 20);
    }

    void mergeIsIdempotent() {
        AlertStore store(path("merge.db"), QStringLiteral("server1"));
        QString error;
        QVERIFY(store.open(&error));
        const QList<Alert> batch{remote("server2", 10), remote("server2", 11),
                                 remote("server3", 4)};
        auto r = store.merge(batch);
        QVERIFY2(r.ok, qPrintable(r.error));
        QCOMPARE(r.inserted, 3);
        r = store.merge(batch);
        QVERIFY(r.ok);
        QCOMPARE(r.inserted, 0);
        QCOMPARE(store.count(), 3);
        QCOMPARE(store.marks().value("server2"), qint64(11));
        QCOMPARE(store.marks().value("server3"), qint64(4));
        // The same number with another text is still the same alert.
        r = store.merge({remote("server2", 11, "changed")});
        QCOMPARE(r.inserted, 0);
        AlertFilter f;
        f.server = "server2";
        QCOMPARE(store.query(f).last().message, QStringLiteral("remote"));
    }

    void pushWithAGapIsNotTaken() {
        AlertStore store(path("gap.db"), QStringLiteral("server1"));
        QString error;
        QVERIFY(store.open(&error));
        QVERIFY(store.merge({remote("server2", 1), remote("server2", 2)}).ok);
        auto r = store.merge({remote("server2", 5)}, true);
        QVERIFY(r.ok);
        QVERIFY(r.gap);
        QCOMPARE(r.inserted, 0);
        QCOMPARE(store.marks().value("server2"), qint64(2));
        r = store.merge({remote("server2", 3), remote("server2", 4)}, true);
        QVERIFY(!r.gap);
        QCOMPARE(r.inserted, 2);
        // A server never seen: fetch everything first.
        r = store.merge({remote("server3", 9)}, true);
        QVERIFY(r.gap);
        // Repeats of what is here are no gap.
        r = store.merge({remote("server2", 2), remote("server2", 3)}, true);
        QVERIFY(!r.gap);
        QCOMPARE(r.inserted, 0);
    }

    void sinceGivesWhatAPeerLacks() {
        AlertStore store(path("since.db"), QStringLiteral("server1"));
        QString error;
        QVERIFY(store.open(&error));
        QList<Alert> mine;
        for (int i = 0; i < 3; ++i) {
            Alert a = make("cluster", Alert::Type::Info, 1, QString::number(i));
            QVERIFY(store.append(a, &error));
            mine << a;
        }
        QVERIFY(store.merge({remote("server3", 1), remote("server3", 2)}).ok);
        bool more = true;
        // A peer that has server1's first alert and nothing of server3.
        auto list = store.since({{"server1", mine[0].seq}}, 10, &more);
        QVERIFY(!more);
        QCOMPARE(list.size(), 4);
        QCOMPARE(list[0].seq, mine[1].seq);
        // In batches.
        list = store.since({}, 2, &more);
        QVERIFY(more);
        QCOMPARE(list.size(), 2);
        list = store.since({{"server1", mine[2].seq}, {"server3", 2}}, 10, &more);
        QVERIFY(list.isEmpty());
        QVERIFY(!more);
    }

    void crashDurability() {
        const QString file = path("crash.db");
        QProcess child;
        child.start(QCoreApplication::applicationFilePath(), {"--write-and-die", file, "5"});
        QVERIFY(child.waitForFinished(60000));
        QCOMPARE(child.exitStatus(), QProcess::CrashExit); // killed, nothing closed
        QCOMPARE(child.readAllStandardOutput(), QByteArray("written\n"));

        AlertStore store(file, QStringLiteral("server1"));
        QString error;
        QVERIFY2(store.open(&error), qPrintable(error));
        QCOMPARE(store.count(), 5);
        const auto list = store.query({});
        QCOMPARE(list.size(), 5);
        QCOMPARE(list.last().message, QStringLiteral("before the crash 4"));
        QCOMPARE(list.last().type, Alert::Type::Warning);
        // Numbering goes on where it stopped.
        Alert a = make("cluster", Alert::Type::Info, 1, "after");
        QVERIFY(store.append(a, &error));
        QCOMPARE(a.seq, list.last().seq + 1);
    }

    void reopenKeepsEverything() {
        const QString file = path("reopen.db");
        qint64 seq = 0;
        {
            AlertStore store(file, QStringLiteral("server1"), 5);
            QString error;
            QVERIFY(store.open(&error));
            for (int i = 0; i < 8; ++i) {
                Alert a = make("cluster", Alert::Type::Info, 1, QString::number(i));
                QVERIFY(store.append(a, &error));
                seq = a.seq;
            }
            QVERIFY(store.merge({remote("server2", 3)}).ok);
        }
        AlertStore store(file, QStringLiteral("server1"), 5);
        QString error;
        QVERIFY(store.open(&error));
        QVERIFY(store.count() <= 5);
        QCOMPARE(store.marks().value("server1"), seq);
        QCOMPARE(store.marks().value("server2"), qint64(3));
    }

    void jsonRoundTrip() {
        Alert a = remote("server2", 1700000000123, "a message");
        a.type = Alert::Type::Error;
        const auto back = Alert::fromJson(a.toJson());
        QVERIFY(back);
        QCOMPARE(back->seq, a.seq);
        QCOMPARE(back->time.toMSecsSinceEpoch(), a.time.toMSecsSinceEpoch());
        QCOMPARE(back->type, Alert::Type::Error);
        QCOMPARE(back->message, a.message);
        QVERIFY(a.toJson().value("time").toString().endsWith('Z'));
        QVERIFY(!Alert::fromJson({{"server", "x"}}));
    }

    void alertLogStoresInTheBackground() {
        AlertLog log(QStringLiteral("server1"), dir_.filePath("log"));
        QString error;
        QVERIFY2(log.openStore(path("log.db"), 100, &error), qPrintable(error));
        QSignalSpy stored(&log, &AlertLog::stored);
        log.warning(QStringLiteral("hb"), 101, QStringLiteral("path lanhb1 to server2 is Offline"));
        Alert added;
        log.raise(Alert::Type::Info, QStringLiteral("logcmd"), 1, QStringLiteral("from a script"),
                  [&](const Alert& a) { added = a; });
        QTRY_COMPARE(stored.size(), 2);
        QCOMPARE(added.seq, stored.at(0).at(0).value<Alert>().seq + 1);
        QList<Alert> listed;
        bool answered = false;
        AlertFilter f;
        f.module = QStringLiteral("logcmd");
        log.query(f, [&](const QList<Alert>& list) {
            listed = list;
            answered = true;
        });
        QVERIFY(!answered); // never from inside the call
        QTRY_VERIFY(answered);
        QCOMPARE(listed.size(), 1);
        QCOMPARE(listed.first().message, QStringLiteral("from a script"));
        // alert.log keeps its line format.
        QFile file(dir_.filePath("log/alert.log"));
        QVERIFY(file.open(QIODevice::ReadOnly));
        const auto lines = QString::fromUtf8(file.readAll()).split('\n', Qt::SkipEmptyParts);
        QCOMPARE(lines.size(), 2);
        QVERIFY(lines[1].endsWith(QStringLiteral(" server1 logcmd info 1 from a script")));
    }
};

int main(int argc, char** argv) {
    if (argc == 4 && qstrcmp(argv[1], "--write-and-die") == 0) {
        QCoreApplication app(argc, argv);
        return writeAndDie(argv[2], atoi(argv[3]));
    }
    QCoreApplication app(argc, argv);
    TestAlertStore test;
    return QTest::qExec(&test, argc, argv);
}

#include "tst_alert_store.moc"
