// The license store: registration, listing in product order, deletion, the refusals (another
// license under a registered serial number, CPU beside VM node licenses), all-or-nothing
// batches, a row edited by hand, and a writer killed inside its transaction, which leaves the
// store as it was.
#include "LicenseReport.h"
#include "LicenseStore.h"
#include "TestLicense.h"

#include <QJsonArray>
#include <QProcess>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QtTest>

#include <csignal>
#include <unistd.h>

using namespace lifeline::licensing;
using lifeline::testing::testLicense;

namespace {

QStringList serials(const QList<LicenseStore::Entry>& entries) {
    QStringList out;
    for (const auto& e : entries)
        out << e.license.product + ":" + e.license.serial;
    return out;
}

// The child of killedDuringRegistration: starts registering two licenses and is killed after
// their rows are written, before the COMMIT.
int registerAndDie(const QString& path) {
    LicenseStore store(path);
    QString error;
    if (!store.open(&error))
        return 2;
    store.setBeforeCommit([] {
        std::fputs("inside the transaction\n", stdout);
        std::fflush(stdout);
        ::kill(::getpid(), SIGKILL);
    });
    store.add({testLicense("BASE10", 4, "BBB0000000"), testLicense("DBAG10", 1, "DDD0000000")},
              "file");
    return 3;
}

} // namespace

class TestLicenseStore : public QObject {
    Q_OBJECT
private:
    QTemporaryDir dir_;
    QString path(const char* name) const { return dir_.filePath(QLatin1String(name)); }

private slots:
    void registersListsAndDeletes() {
        LicenseStore store(path("a/licenses.db"));
        QString error;
        QVERIFY2(store.open(&error), qPrintable(error));
        QCOMPARE(LicenseStore::pathIn("/var/lib/lifeline"),
                 QStringLiteral("/var/lib/lifeline/licenses.db"));
        auto r = store.add({testLicense("DBAG10", 1, "DDD0000000")}, "interactive");
        QVERIFY2(r.ok, qPrintable(r.error));
        QCOMPARE(r.added, 1);
        r = store.add(
            {testLicense("BASE10", 2, "AAA0000000"), testLicense("BASE10", 4, "AAA0000001")},
            "file");
        QCOMPARE(r.added, 2);
        // Base products first, then as registered.
        QCOMPARE(serials(store.list()),
                 QStringList({"BASE10:AAA0000000", "BASE10:AAA0000001", "DBAG10:DDD0000000"}));
        QCOMPARE(serials(store.list("DBAG10")), QStringList({"DBAG10:DDD0000000"}));
        const auto entry = store.list("DBAG10").first();
        QCOMPARE(entry.source, QStringLiteral("interactive"));
        QVERIFY(qAbs(entry.registered.msecsTo(QDateTime::currentDateTimeUtc())) < 60000);
        QVERIFY(entry.license == testLicense("DBAG10", 1, "DDD0000000"));
        QVERIFY(entry.error.isEmpty());

        // The same license again is no error and changes nothing.
        r = store.add({testLicense("BASE10", 2, "AAA0000000")}, "file");
        QVERIFY(r.ok);
        QCOMPARE(r.added, 0);

        QCOMPARE(store.remove("BASE10", &error), 2);
        QCOMPARE(serials(store.list()), QStringList({"DBAG10:DDD0000000"}));
        QCOMPARE(store.remove("BASE10", &error), 0);

        // Written ahead: the store uses a write-ahead log.
        QSqlDatabase db = QSqlDatabase::addDatabase("QSQLITE", "check");
        db.setDatabaseName(store.path());
        QVERIFY(db.open());
        QSqlQuery q(db);
        QVERIFY(q.exec("PRAGMA journal_mode") && q.next());
        QCOMPARE(q.value(0).toString(), QStringLiteral("wal"));
        q = QSqlQuery();
        db.close();
        db = QSqlDatabase();
        QSqlDatabase::removeDatabase("check");
    }

    void refusals() {
        LicenseStore store(path("refusals.db"));
        QString error;
        QVERIFY(store.open(&error));
        QVERIFY(store.add({testLicense("BASE10", 2, "AAA0000000")}, "file").ok);
        // Another license under the same serial number.
        auto r = store.add({testLicense("BASE10", 3, "AAA0000000")}, "file");
        QVERIFY(!r.ok);
        QCOMPARE(r.error,
                 QStringLiteral(
                     "A different license with serial number AAA0000000 of BASE10 is registered "
                     "already; delete it first (clplcnsc -d -p BASE10)."));
        // CPU and VM node licenses of one product cannot be mixed, either way round.
        r = store.add({testLicense("BASE10", 0, "VVV0000000")}, "file");
        QCOMPARE(r.error,
                 QStringLiteral(
                     "CPU license and VM node license cannot be mixed: BASE10 has a CPU license "
                     "registered (serial number AAA0000000)."));
        QVERIFY(store.add({testLicense("XSSS10", 0, "VVV0000000")}, "file").ok); // another product
        r = store.add({testLicense("XSSS10", 2, "XXX0000000")}, "file");
        QCOMPARE(
            r.error,
            QStringLiteral("CPU license and VM node license cannot be mixed: XSSS10 has a VM node "
                           "license registered (serial number VVV0000000)."));
        // All or nothing: the good license of a refused batch is not stored either.
        r = store.add(
            {testLicense("DBAG10", 1, "DDD0000000"), testLicense("BASE10", 0, "VVV0000001")},
            "server1");
        QVERIFY(!r.ok);
        QCOMPARE(r.added, 0);
        QVERIFY(store.list("DBAG10").isEmpty());
        // Within one batch too.
        r = store.add(
            {testLicense("ISAG10", 1, "III0000000"), testLicense("ISAG10", 1, "III0000000")},
            "server1");
        QVERIFY(r.ok);
        QCOMPARE(r.added, 1);
    }

    void editedRowShowsInvalid() {
        LicenseStore store(path("edited.db"));
        QString error;
        QVERIFY(store.open(&error));
        QVERIFY(store
                    .add({testLicense("BASE10", 2, "AAA0000000"),
                          testLicense("BASE10", 4, "AAA0000001")},
                         "file")
                    .ok);
        {
            QSqlDatabase db = QSqlDatabase::addDatabase("QSQLITE", "edit");
            db.setDatabaseName(store.path());
            QVERIFY(db.open());
            QSqlQuery q(db);
            QVERIFY(q.exec("UPDATE licenses SET count = 8 WHERE serial = 'AAA0000000'"));
            QVERIFY(q.exec("UPDATE licenses SET kind = 'socket' WHERE serial = 'AAA0000001'"));
        }
        QSqlDatabase::removeDatabase("edit");
        const auto entries = store.list();
        QCOMPARE(entries.size(), 2);
        QCOMPARE(
            entries[1].error,
            QStringLiteral("the stored row of BASE10 AAA0000001 cannot be read (kind \"socket\", "
                           "version \"product\", expiry \"\")"));
        const QJsonObject report = LicenseReport::toJson(entries, LicenseVerifier());
        const QJsonArray list = report.value("licenses").toArray();
        QCOMPARE(list[0].toObject().value("status").toString(), QStringLiteral("invalid"));
        QCOMPARE(list[0].toObject().value("message").toString(),
                 QStringLiteral("The license key is for 2 CPUs, not 8 CPUs."));
        QCOMPARE(list[1].toObject().value("status").toString(), QStringLiteral("invalid"));
        QCOMPARE(list[1].toObject().value("message").toString(), entries[1].error);
        QCOMPARE(list[0].toObject().value("productName").toString(),
                 QStringLiteral("Lifeline 1.0 for Linux"));
        QCOMPARE(list[0].toObject().value("source").toString(), QStringLiteral("file"));
        QVERIFY(report.value("publicKey").toObject().contains("fingerprint"));
    }

    void killedDuringRegistration() {
        const QString file = path("crash.db");
        {
            LicenseStore store(file);
            QString error;
            QVERIFY(store.open(&error));
            QVERIFY(store.add({testLicense("BASE10", 2, "AAA0000000")}, "file").ok);
        }
        QProcess child;
        child.start(QCoreApplication::applicationFilePath(), {"--register-and-die", file});
        QVERIFY(child.waitForFinished(60000));
        QCOMPARE(child.exitStatus(), QProcess::CrashExit); // killed, nothing closed or rolled back
        QCOMPARE(child.readAllStandardOutput(), QByteArray("inside the transaction\n"));
        QVERIFY(QFile::exists(file + "-wal"));

        // The old state, nothing of the interrupted registration, and the store works on.
        LicenseStore store(file);
        QString error;
        QVERIFY2(store.open(&error), qPrintable(error));
        QCOMPARE(serials(store.list()), QStringList({"BASE10:AAA0000000"}));
        {
            QSqlDatabase db = QSqlDatabase::addDatabase("QSQLITE", "integrity");
            db.setDatabaseName(file);
            QVERIFY(db.open());
            QSqlQuery q(db);
            QVERIFY(q.exec("PRAGMA integrity_check") && q.next());
            QCOMPARE(q.value(0).toString(), QStringLiteral("ok"));
        }
        QSqlDatabase::removeDatabase("integrity");
        const auto r = store.add(
            {testLicense("BASE10", 4, "BBB0000000"), testLicense("DBAG10", 1, "DDD0000000")},
            "file");
        QVERIFY2(r.ok, qPrintable(r.error));
        QCOMPARE(r.added, 2);
        QCOMPARE(serials(store.list()),
                 QStringList({"BASE10:AAA0000000", "BASE10:BBB0000000", "DBAG10:DDD0000000"}));
    }
};

int main(int argc, char** argv) {
    QCoreApplication app(argc, argv);
    if (argc == 3 && qstrcmp(argv[1], "--register-and-die") == 0)
        return registerAndDie(QString::fromLocal8Bit(argv[2]));
    TestLicenseStore test;
    return QTest::qExec(&test, argc, argv);
}

#include "tst_license_store.moc"
