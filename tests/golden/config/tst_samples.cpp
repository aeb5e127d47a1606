// The six real ExpressCluster configurations from shared/clpconf-samples/: each
// loads with exactly the findings in expected/<file>.txt (including what it uses
// that Lifeline does not support), and survives load + write + load unchanged.

#include "ConfigReader.h"
#include "ConfigWriter.h"
#include "DomCompare.h"
#include "XmlPath.h"

#include <QDir>
#include <QFile>
#include <QTest>

using namespace lifeline::config;

namespace {
const QString kSamples = LIFELINE_SHARED_DIR "/clpconf-samples";
const QString kExpected = LIFELINE_SOURCE_DIR "/tests/golden/config/expected";
} // namespace

class TestSamples : public QObject {
    Q_OBJECT
private slots:
    void initTestCase() {
        if (!QDir(kSamples).exists())
            QSKIP("shared/clpconf-samples is not beside this checkout (set LIFELINE_SHARED_DIR)");
    }

    void sample_data() {
        QTest::addColumn<QString>("file");
        const auto files = QDir(kSamples).entryList({"*.conf"}, QDir::Files, QDir::Name);
        QCOMPARE(files.size(), 6);
        for (const auto& f : files)
            QTest::newRow(qPrintable(f)) << f;
    }

    void sample() {
        QFETCH(QString, file);
        const QString path = kSamples + "/" + file;
        auto loaded = loadConfig(path);
        QVERIFY2(loaded.document, qPrintable(loaded.diagnostics.texts().join('\n')));

        QFile expectedFile(kExpected + "/" + file + ".txt");
        QVERIFY2(expectedFile.open(QIODevice::ReadOnly), qPrintable(expectedFile.fileName()));
        const QStringList expected =
            QString::fromUtf8(expectedFile.readAll()).split('\n', Qt::SkipEmptyParts);
        QCOMPARE(loaded.diagnostics.texts(), expected);

        // Round trip: nothing lost, nothing changed, charset and line endings kept.
        QFile raw(path);
        QVERIFY(raw.open(QIODevice::ReadOnly));
        const QByteArray original = raw.readAll();
        const QString before = testutil::canonical(loaded.document->dom());
        writeConfig(loaded.config, *loaded.document);
        const auto bytes = loaded.document->serialize();
        QVERIFY(bytes);
        auto again = parseConfig(*bytes, file);
        QVERIFY(again.document);
        QCOMPARE(testutil::canonical(again.document->dom()), before);
        QCOMPARE(again.diagnostics.texts().size(), expected.size());
        QCOMPARE(again.document->charset(), loaded.document->charset());
        QCOMPARE(bytes->contains("\r\n"), original.contains("\r\n"));
        QVERIFY(bytes->startsWith("<?xml version=\"1.0\" encoding=\"" +
                                  loaded.document->charset().toLatin1() + "\"?>"));
    }

    // A change through the typed model lands in the file and nothing else moves.
    void editedSampleKeepsEverythingElse() {
        const QString path = kSamples + "/ecx-createcluster-v1-linux-lvm-volmgr.clp.conf";
        auto loaded = loadConfig(path);
        QVERIFY(loaded.document);
        auto config = loaded.config;
        config.monitors[0].intervalMs = 3000; // userw
        writeConfig(config, *loaded.document);
        auto again = parseConfig(*loaded.document->serialize(), "edited");
        QCOMPARE(again.config.monitor("userw")->intervalMs, 3000);
        // Elements Lifeline does not model are still there.
        QCOMPARE(xml::child(again.document->root(), "pm/exec1/recover").text(), QString("7"));
        QCOMPARE(xml::child(again.document->root(), "cluster/rsctimeout/rsctoaction").text(),
                 QString("0"));
    }
};

QTEST_GUILESS_MAIN(TestSamples)
#include "tst_samples.moc"
