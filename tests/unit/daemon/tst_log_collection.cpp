// clplogcc's archives: what LogArchive writes (read back with libarchive), its bounds and
// manifest, and what each collection type of LogCollection puts in (never the cluster key).
#include "LogArchive.h"
#include "LogCollection.h"

#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QtTest>

#include <archive.h>
#include <archive_entry.h>

using namespace lifeline;
using namespace lifeline::daemon;

namespace {

// Every entry of a tar.gz: path -> contents.
QMap<QString, QByteArray> readArchive(const QString& path) {
    QMap<QString, QByteArray> out;
    archive* a = archive_read_new();
    archive_read_support_filter_gzip(a);
    archive_read_support_format_tar(a);
    if (archive_read_open_filename(a, QFile::encodeName(path).constData(), 65536) != ARCHIVE_OK) {
        qWarning() << "cannot open" << path << archive_error_string(a);
        archive_read_free(a);
        return out;
    }
    archive_entry* entry = nullptr;
    while (archive_read_next_header(a, &entry) == ARCHIVE_OK) {
        QByteArray data(archive_entry_size(entry), Qt::Uninitialized);
        if (!data.isEmpty())
            archive_read_data(a, data.data(), size_t(data.size()));
        out.insert(QString::fromUtf8(archive_entry_pathname_utf8(entry)), data);
    }
    archive_read_free(a);
    return out;
}

void writeFile(const QString& path, const QByteArray& data) {
    QDir().mkpath(QFileInfo(path).path());
    QFile f(path);
    QVERIFY(f.open(QIODevice::WriteOnly | QIODevice::Truncate));
    f.write(data);
}

} // namespace

class TestLogCollection : public QObject {
    Q_OBJECT
private slots:
    void archiveListsWhatItHoldsAndWhatNot();
    void bigLogKeepsItsNewestLines();
    void totalBoundLeavesTheRestOut();
    void typesCollectTheirParts_data();
    void typesCollectTheirParts();
    void namesAndTypes();
};

void TestLogCollection::archiveListsWhatItHoldsAndWhatNot() {
    QTemporaryDir dir;
    writeFile(dir.filePath("src/a.log"), "line a\n");
    writeFile(dir.filePath("src/sub/b.log"), "line b\n");
    writeFile(dir.filePath("src/secret.key"), "never\n");
    const QString path = dir.filePath("out.tar.gz");
    LogArchive archive(path, QStringLiteral("top"), {});
    QString error;
    QVERIFY2(archive.open(&error), qPrintable(error));
    archive.addData(QStringLiteral("info/status.json"), "{}\n");
    archive.addTree(QStringLiteral("log"), dir.filePath("src"), {QStringLiteral("secret.key")});
    archive.addFile(QStringLiteral("missing.log"), dir.filePath("nope.log"));
    QVERIFY2(archive.close(QStringLiteral("header line"), &error), qPrintable(error));
    QCOMPARE(QFileInfo(path).permissions() & (QFileDevice::ReadOther | QFileDevice::ReadGroup),
             QFileDevice::Permissions());

    const auto entries = readArchive(path);
    QCOMPARE(entries.keys(), (QStringList{"top/MANIFEST.txt", "top/info/status.json",
                                          "top/log/a.log", "top/log/sub/b.log"}));
    QCOMPARE(entries.value("top/log/sub/b.log"), QByteArray("line b\n"));
    const QString manifest = QString::fromUtf8(entries.value("top/MANIFEST.txt"));
    QVERIFY2(manifest.startsWith("header line\n"), qPrintable(manifest));
    QVERIFY2(manifest.contains("Contents (3 files, 17 bytes before compression)"),
             qPrintable(manifest));
    QVERIFY2(manifest.contains("log/sub/b.log"), qPrintable(manifest));
    QVERIFY2(manifest.contains("missing.log: " + dir.filePath("nope.log") + " is not present"),
             qPrintable(manifest));
}

void TestLogCollection::bigLogKeepsItsNewestLines() {
    QTemporaryDir dir;
    QByteArray log;
    for (int i = 0; i < 1000; ++i)
        log += QByteArray("line ") + QByteArray::number(i) + '\n';
    writeFile(dir.filePath("big.log"), log);
    const QString path = dir.filePath("out.tar.gz");
    LogArchive archive(path, QStringLiteral("top"), {1000, 1 << 20});
    QString error;
    QVERIFY(archive.open(&error));
    archive.addFile(QStringLiteral("big.log"), dir.filePath("big.log"));
    QVERIFY(archive.close(QString(), &error));

    const QByteArray kept = readArchive(path).value("top/big.log");
    QVERIFY(kept.size() <= 1000 && kept.size() > 900);
    QVERIFY(kept.startsWith("line ")); // from a line start
    QVERIFY(kept.endsWith("line 999\n"));
    QVERIFY(log.endsWith(kept));
    QCOMPARE(archive.entries().first().size, kept.size());
    QVERIFY(archive.entries().first().note.contains(QStringLiteral("only the last")));
}

void TestLogCollection::totalBoundLeavesTheRestOut() {
    QTemporaryDir dir;
    for (const char* name : {"1.log", "2.log", "3.log"})
        writeFile(dir.filePath(QStringLiteral("logs/") + name), QByteArray(600, 'x'));
    const QString path = dir.filePath("out.tar.gz");
    LogArchive archive(path, QStringLiteral("top"), {1000, 1000});
    QString error;
    QVERIFY(archive.open(&error));
    archive.addTree(QStringLiteral("log"), dir.filePath("logs"));
    QVERIFY(archive.close(QString(), &error));
    QCOMPARE(archive.contentBytes(), qint64(1000));

    const auto entries = readArchive(path);
    QCOMPARE(entries.value("top/log/1.log").size(), 600);
    QCOMPARE(entries.value("top/log/2.log").size(), 400); // the newest 400 bytes
    QVERIFY(!entries.contains("top/log/3.log"));
    const QString manifest = QString::fromUtf8(entries.value("top/MANIFEST.txt"));
    QVERIFY2(manifest.contains("log/3.log: left out: the archive holds its limit of 1000 bytes"),
             qPrintable(manifest));
}

void TestLogCollection::typesCollectTheirParts_data() {
    QTest::addColumn<QString>("type");
    QTest::addColumn<bool>("logs");
    QTest::addColumn<bool>("system");
    QTest::newRow("type1") << "type1" << true << true;
    QTest::newRow("type2") << "type2" << true << false;
    QTest::newRow("type3") << "type3" << false << false;
}

void TestLogCollection::typesCollectTheirParts() {
    QFETCH(QString, type);
    QFETCH(bool, logs);
    QFETCH(bool, system);
    QTemporaryDir root;
    const config::Paths paths(root.path());
    writeFile(paths.configFile(), "<root/>\n");
    writeFile(paths.keyFile(), "SECRET\n");
    writeFile(paths.configDir() + "/.staging/clp.conf", "staged\n");
    writeFile(paths.scriptsDir() + "/failover1/exec1/start.sh", "#!/bin/sh\n");
    writeFile(paths.logDir() + "/alert.log", "an alert line\n");
    writeFile(paths.logDir() + "/monitor/genw1.log", "genw output\n");

    Alert alert;
    alert.time = QDateTime::currentDateTimeUtc();
    alert.server = QStringLiteral("server2");
    alert.module = QStringLiteral("logcmd");
    alert.id = 1;
    alert.seq = 7;
    alert.message = QStringLiteral("raised on server2");
    const QDateTime time(QDate(2026, 3, 4), QTime(5, 6, 7));
    LogCollection::Input input{
        paths, QStringLiteral("server1"),    *LogCollection::typeFromName(type),
        time,  "{\"local\": \"server1\"}\n", {alert}};
    const QString path = root.filePath("out.tar.gz");
    QString error;
    QVERIFY2(LogCollection::build(input, path, {}, nullptr, &error), qPrintable(error));

    const auto entries = readArchive(path);
    const QString top = QStringLiteral("server1-20260304-050607/");
    auto has = [&](const QString& name) { return entries.contains(top + name); };
    QVERIFY(has("etc/clp.conf"));
    QVERIFY(has("etc/scripts/failover1/exec1/start.sh"));
    QVERIFY(!has("etc/clp.key"));
    QVERIFY(!has("etc/.staging/clp.conf"));
    QCOMPARE(entries.value(top + "lifeline/status.json"), QByteArray("{\"local\": \"server1\"}\n"));
    QVERIFY(entries.value(top + "lifeline/alerts.txt")
                .contains("server2 logcmd info 1 raised on server2"));
    QVERIFY(entries.value(top + "lifeline/alerts.jsonl").contains("\"seq\":7"));
    QCOMPARE(has("log/alert.log"), logs);
    QCOMPARE(has("log/monitor/genw1.log"), logs);
    QCOMPARE(has("system/uname.txt"), system);
    QCOMPARE(has("system/interfaces.txt"), system);
    QCOMPARE(has("system/proc/version"), system);
    QCOMPARE(has("system/proc/net/dev"), system);
    QCOMPARE(has("system/proc/sys/kernel/hostname"), system); // a sysctl file: small reads
    const QString manifest = QString::fromUtf8(entries.value(top + "MANIFEST.txt"));
    QVERIFY2(manifest.contains("server:    server1") && manifest.contains("type:      " + type),
             qPrintable(manifest));
    if (system)
        QVERIFY2(manifest.contains("system/log/syslog: "), qPrintable(manifest)); // not under root
}

void TestLogCollection::namesAndTypes() {
    QCOMPARE(LogCollection::baseName(QStringLiteral("srv/1 a"),
                                     QDateTime(QDate(2026, 1, 2), QTime(3, 4, 5))),
             QStringLiteral("srv_1_a-20260102-030405"));
    QCOMPARE(LogCollection::typeFromName(QStringLiteral("TYPE2")), LogCollection::Type::Type2);
    QVERIFY(!LogCollection::typeFromName(QStringLiteral("type4")));
}

QTEST_GUILESS_MAIN(TestLogCollection)
#include "tst_log_collection.moc"
