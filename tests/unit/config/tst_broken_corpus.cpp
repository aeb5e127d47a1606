// Broken inputs never crash the loader and always produce a message.

#include "ConfigFixture.h"
#include "ConfigReader.h"
#include "ConfigWriter.h"

#include <QDir>
#include <QRandomGenerator>
#include <QTest>

using namespace lifeline::config;

class TestBrokenCorpus : public QObject {
    Q_OBJECT
private slots:
    void corpusFile_data() {
        QTest::addColumn<QString>("path");
        QTest::addColumn<QString>("expected");
        const QString dir = LIFELINE_SOURCE_DIR "/tests/data/broken/";
        const std::pair<const char*, const char*> files[] = {
            {"truncated.conf", "XML syntax error at line"},
            {"wrong-types.conf", "server \"server2\" / priority: \"second\" is not a whole number"},
            {"bad-references.conf", "lists resource \"exec9\", which is not defined"},
            {"cycle.conf", "dependency cycle: fip1 -> exec1 -> disk1 -> fip1"},
            {"no-lan-heartbeat.conf", "no LAN heartbeat is defined"},
            {"not-xml.conf", "XML syntax error at line 1"},
            {"wrong-root.conf", "the top element is <cluster>; a clp.conf has <root>"},
            {"unclosed-attribute.conf", "XML syntax error at line 1"},
            {"mirror-only.conf", "type md (Mirror disk resource) is not supported by Lifeline"},
            {"wrong-encoding.conf", "cannot read the file as EUC-JP"},
            {"utf16-garbage.conf", "XML syntax error"},
            {"binary.conf", "XML syntax error at line 1, column 1: Encountered incorrectly encoded content"},
        };
        for (const auto& [name, expected] : files)
            QTest::newRow(name) << dir + name << QString(expected);
        // Every file in the folder must be listed above.
        QCOMPARE(QDir(dir).entryList(QDir::Files).size(), qsizetype(std::size(files)));
    }

    void corpusFile() {
        QFETCH(QString, path);
        QFETCH(QString, expected);
        const auto loaded = loadConfig(path);
        QVERIFY(loaded.diagnostics.hasErrors());
        QVERIFY2(loaded.diagnostics.mentions(expected),
                 qPrintable("expected a message with: " + expected + "\ngot:\n" +
                            loaded.diagnostics.texts().join('\n')));
    }

    void everyTruncationGivesASyntaxError() {
        const QByteArray xml = fixture::kValidConfig;
        const qsizetype end = xml.lastIndexOf("</root>");
        for (qsizetype cut = 1; cut < end; cut += 7) {
            const auto loaded = parseConfig(xml.left(cut), "cut");
            QVERIFY2(loaded.diagnostics.hasErrors(), qPrintable(QString::number(cut)));
        }
    }

    void tenMegabytesOfGarbage() {
        QByteArray garbage(10 * 1024 * 1024, Qt::Uninitialized);
        auto* rng = QRandomGenerator::global();
        for (auto& c : garbage)
            c = char(rng->bounded(256));
        const auto loaded = parseConfig(garbage, "garbage.conf");
        QVERIFY(!loaded.document);
        QCOMPARE(loaded.diagnostics.items().size(), 1);
    }

    void tenMegabytesOfWellFormedNoise() {
        QByteArray xml = "<root>";
        while (xml.size() < 10 * 1024 * 1024)
            xml += "<monitor><genw name=\"g\"><polling><interval>x</interval></polling></genw></monitor>";
        xml += "</root>";
        const auto loaded = parseConfig(xml, "noise.conf");
        QVERIFY(loaded.diagnostics.hasErrors()); // no cluster name, no server, bad values
    }

    // Random byte changes to a valid file: whatever comes out, the loader and the
    // writer must neither crash nor hang (ASan/UBSan watch the memory).
    void mutatedBytesDoNotCrash() {
        QRandomGenerator rng(20261122);
        const QByteArray base = fixture::kValidConfig;
        for (int round = 0; round < 400; ++round) {
            QByteArray bytes = base;
            const int edits = 1 + rng.bounded(8);
            for (int i = 0; i < edits; ++i)
                bytes[rng.bounded(int(bytes.size()))] = char(rng.bounded(256));
            auto loaded = parseConfig(bytes, "mutated");
            if (loaded.document) {
                writeConfig(loaded.config, *loaded.document);
                (void)loaded.document->serialize(); // may refuse a mangled charset; must not crash
            } else {
                QVERIFY(loaded.diagnostics.hasErrors());
            }
        }
    }
};

QTEST_GUILESS_MAIN(TestBrokenCorpus)
#include "tst_broken_corpus.moc"
