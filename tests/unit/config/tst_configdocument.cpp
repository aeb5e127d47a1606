// Loading and saving clp.conf bytes: syntax errors with positions, character
// sets, line endings, limits, atomic save with backup.

#include "ConfigDocument.h"
#include "ConfigFixture.h"
#include "ConfigReader.h"
#include "Encoding.h"

#include <QFile>
#include <QTemporaryDir>
#include <QTest>

using namespace lifeline::config;

namespace {

QByteArray withComment(const QString& comment, const QString& charset) {
    QString text = QString::fromUtf8(fixture::kValidConfig);
    text.replace("<comment>test cluster</comment>", "<comment>" + comment + "</comment>");
    text.replace("encoding=\"UTF-8\"", "encoding=\"" + charset + "\"");
    text.replace("<charset>UTF-8</charset>", "<charset>" + charset + "</charset>");
    auto bytes = encoding::fromUtf8(text.toUtf8(), charset, nullptr);
    Q_ASSERT(bytes);
    return *bytes;
}

const QString kJapanese = QString::fromUtf8("\xE5\x85\xB1\xE6\x9C\x89\xE3\x83\x87\xE3\x82\xA3"
                                            "\xE3\x82\xB9\xE3\x82\xAF"); // "共有ディスク"

} // namespace

class TestConfigDocument : public QObject {
    Q_OBJECT
private slots:
    void syntaxErrorNamesLineAndColumn() {
        Diagnostics d;
        const auto doc = ConfigDocument::parse("<root>\n  <cluster>\n</root>\n", "bad.conf", d);
        QVERIFY(!doc);
        QCOMPARE(d.items().size(), 1);
        QCOMPARE(d.items()[0].line, 3);
        QVERIFY2(d.items()[0].text().startsWith("error: bad.conf: XML syntax error at line 3, column"),
                 qPrintable(d.items()[0].text()));
    }

    void emptyFile() {
        Diagnostics d;
        QVERIFY(!ConfigDocument::parse("  \n", "empty.conf", d));
        QCOMPARE(d.texts(), QStringList{"error: empty.conf: file is empty"});
    }

    void wrongTopElement() {
        Diagnostics d;
        QVERIFY(!ConfigDocument::parse("<config/>", "x.conf", d));
        QCOMPARE(d.texts(), QStringList{"error: x.conf: the top element is <config>; a clp.conf has <root>"});
    }

    void tooLarge() {
        Diagnostics d;
        QVERIFY(!ConfigDocument::parse(QByteArray(ConfigDocument::kMaxBytes + 1, ' '), "big.conf", d));
        QVERIFY2(d.mentions("more than the 16777216 bytes a configuration may have"),
                 qPrintable(d.texts().join('\n')));
    }

    void deepNestingRefused() {
        QByteArray xml = "<root>";
        for (int i = 0; i < 200; ++i)
            xml += "<a>";
        Diagnostics d;
        QVERIFY(!ConfigDocument::parse(xml, "deep.conf", d));
        QVERIFY2(d.mentions("elements are nested deeper than 64 levels"), qPrintable(d.texts().join('\n')));
    }

    void readerErrorsCarryTheLine() {
        QByteArray xml = fixture::kValidConfig;
        xml.replace("<interval>100</interval>", "<interval>fast</interval>");
        const auto loaded = parseConfig(xml, "x.conf");
        QVERIFY(loaded.diagnostics.texts().contains(
            "error: cluster/heartbeat/interval: \"fast\" is not a number of milliseconds (line 7)"));
    }

    void eucJpTextIsConvertedAndWrittenBack() { checkLegacyCharset("EUC-JP"); }
    void sjisTextIsConvertedAndWrittenBack() { checkLegacyCharset("SJIS"); }

    void invalidBytesForDeclaredCharset() {
        QByteArray bytes = fixture::kValidConfig;
        bytes.replace("encoding=\"UTF-8\"", "encoding=\"EUC-JP\"");
        bytes.replace("test cluster", "\xFF\xFF\xFF");
        const auto loaded = parseConfig(bytes, "euc.conf");
        QVERIFY(!loaded.document);
        QVERIFY2(loaded.diagnostics.mentions("error: euc.conf: cannot read the file as EUC-JP, the "
                                             "encoding it declares: byte"),
                 qPrintable(loaded.diagnostics.texts().join('\n')));
    }

    void unknownCharsetWithNonAsciiBytes() {
        QByteArray bytes = fixture::kValidConfig;
        bytes.replace("encoding=\"UTF-8\"", "encoding=\"X-KLINGON\"");
        bytes.replace("test cluster", "\xC3\xA9t\xC3\xA9");
        const auto loaded = parseConfig(bytes, "k.conf");
        QVERIFY(!loaded.document);
        QCOMPARE(loaded.diagnostics.texts(),
                 QStringList{"error: k.conf: cannot read the file as X-KLINGON, the encoding it "
                             "declares: character set \"X-KLINGON\" is not supported"});
    }

    void asciiFileWithLegacyDeclarationNeedsNoConversion() {
        QByteArray bytes = fixture::kValidConfig;
        bytes.replace("encoding=\"UTF-8\"", "encoding=\"EUC-JP\"");
        const auto loaded = parseConfig(bytes, "a.conf");
        QVERIFY2(loaded.ok(), qPrintable(loaded.diagnostics.texts().join('\n')));
        QCOMPARE(loaded.document->charset(), QString("EUC-JP"));
    }

    void crlfFileLoadsAndKeepsCrlf() {
        QByteArray bytes = fixture::kValidConfig;
        bytes.replace("\n", "\r\n");
        const auto loaded = parseConfig(bytes, "crlf.conf");
        QVERIFY2(loaded.ok(), qPrintable(loaded.diagnostics.texts().join('\n')));
        QCOMPARE(loaded.config.cluster.comment, QString("test cluster"));
        QVERIFY(loaded.document->crlf());
        const auto out = loaded.document->serialize();
        QVERIFY(out);
        QVERIFY(out->contains("\r\n"));
        QCOMPARE(out->count("\n"), out->count("\r\n")); // no bare LF
    }

    void saveIsAtomicAndKeepsBackup() {
        QTemporaryDir dir;
        const QString path = dir.filePath("clp.conf");
        auto first = parseConfig(fixture::kValidConfig, "f");
        QString why;
        QVERIFY2(first.document->save(path, &why), qPrintable(why));
        QVERIFY(!QFile::exists(path + ".bak")); // nothing to keep the first time
        QFile written(path);
        QVERIFY(written.open(QIODevice::ReadOnly));
        const QByteArray firstBytes = written.readAll();
        written.close();

        QByteArray changed = fixture::kValidConfig;
        changed.replace("test cluster", "second");
        auto second = parseConfig(changed, "s");
        QVERIFY2(second.document->save(path, &why), qPrintable(why));
        QFile bak(path + ".bak");
        QVERIFY(bak.open(QIODevice::ReadOnly));
        QCOMPARE(bak.readAll(), firstBytes);
        QCOMPARE(loadConfig(path).config.cluster.comment, QString("second"));
        // No temporary file is left behind.
        QCOMPARE(QDir(dir.path()).entryList(QDir::Files).size(), 2);
    }

    void saveIntoMissingDirectoryFailsWithReason() {
        auto loaded = parseConfig(fixture::kValidConfig, "f");
        QString why;
        QVERIFY(!loaded.document->save("/nonexistent-dir/clp.conf", &why));
        QVERIFY2(why.startsWith("/nonexistent-dir/clp.conf: cannot write:"), qPrintable(why));
    }

    void unreadablePathIsReported() {
        const auto loaded = loadConfig("/nonexistent/clp.conf");
        QVERIFY(!loaded.document);
        QVERIFY2(loaded.diagnostics.mentions("error: /nonexistent/clp.conf: cannot open:"),
                 qPrintable(loaded.diagnostics.texts().join('\n')));
    }

    void contentHashIgnoresFormattingButNotContent() {
        const auto plain = parseConfig(fixture::kValidConfig, "a");
        QByteArray reformatted = fixture::kValidConfig;
        reformatted.replace("\n", "\r\n");
        reformatted.replace("  <", "<");
        reformatted.replace("encoding=\"UTF-8\"", "encoding=\"EUC-JP\"");
        const auto same = parseConfig(reformatted, "b");
        QCOMPARE(plain.document->contentHash().size(), 32);
        QCOMPARE(same.document->contentHash(), plain.document->contentHash());
        QByteArray changed = fixture::kValidConfig;
        changed.replace("<timeout>1000</timeout>", "<timeout>1200</timeout>");
        QVERIFY(parseConfig(changed, "c").document->contentHash() != plain.document->contentHash());
    }

private:
    void checkLegacyCharset(const QString& charset) {
        const QByteArray bytes = withComment(kJapanese, charset);
        QVERIFY(!encoding::isAscii(bytes));
        auto loaded = parseConfig(bytes, "jp.conf");
        QVERIFY2(loaded.ok(), qPrintable(loaded.diagnostics.texts().join('\n')));
        QCOMPARE(loaded.config.cluster.comment, kJapanese);
        QCOMPARE(loaded.document->charset(), charset);
        const auto out = loaded.document->serialize();
        QVERIFY(out);
        QVERIFY2(out->startsWith("<?xml version=\"1.0\" encoding=\"" + charset.toLatin1() + "\"?>"),
                 out->left(60).constData());
        const auto encodedComment = encoding::fromUtf8(kJapanese.toUtf8(), charset, nullptr);
        QVERIFY(out->contains(*encodedComment)); // written in the file's own charset
        QCOMPARE(parseConfig(*out, "again").config.cluster.comment, kJapanese);
    }
};

QTEST_GUILESS_MAIN(TestConfigDocument)
#include "tst_configdocument.moc"
