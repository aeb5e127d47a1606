// clpstat's rendering, golden: for every real ExpressCluster output in
// shared/clpconf-samples/clpstat-output/ the status JSON (and clp.conf) that
// describes the same cluster renders to exactly the sample's bytes (after its
// first line, the command that was run; CRLF line ends of samples saved that way
// become LF); views without a sample are compared with our own files in expected/.
// LIFELINE_UPDATE_GOLDEN=1 rewrites expected/.

#include "ClpstatOptions.h"
#include "ConfigReader.h"
#include "StatusFormatter.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QTest>

using namespace lifeline;
using namespace lifeline::cli;

namespace {
const QString kSamples = LIFELINE_SHARED_DIR "/clpconf-samples/clpstat-output/";
const QString kHere = LIFELINE_SOURCE_DIR "/tests/golden/cli/";

// Empty when the file cannot be read (the comparison then fails and names it).
QByteArray readFile(const QString& path) {
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly)) {
        qWarning("cannot read %s", qPrintable(path));
        return {};
    }
    return f.readAll();
}

// The samples were cut from Markdown; some were saved with CRLF line ends,
// which clpstat on Linux never prints. That is the only normalisation.
QByteArray sampleBody(const QString& file) {
    QByteArray bytes = readFile(kSamples + file);
    bytes.replace("\r\n", "\n");
    const qsizetype firstLineEnd = bytes.indexOf('\n');
    return bytes.mid(firstLineEnd + 1);
}

QByteArray grepLines(const QByteArray& text, const QByteArray& pattern) {
    QByteArray out;
    for (const QByteArray& line : text.split('\n'))
        if (line.contains(pattern))
            out += line + '\n';
    return out;
}

// Where two texts first differ, shown with visible line ends and spaces.
QString firstDifference(const QByteArray& actual, const QByteArray& expected) {
    const auto a = actual.split('\n');
    const auto e = expected.split('\n');
    for (qsizetype i = 0; i < std::max(a.size(), e.size()); ++i) {
        const QByteArray al = a.value(i, "<missing>");
        const QByteArray el = e.value(i, "<missing>");
        if (al != el)
            return QStringLiteral("line %1:\n  actual:   [%2]\n  expected: [%3]")
                .arg(i + 1)
                .arg(QString::fromUtf8(al), QString::fromUtf8(el));
    }
    return QStringLiteral("(identical lines; the ends differ)");
}
} // namespace

class TestClpstatGolden : public QObject {
    Q_OBJECT

    QJsonArray cases_;

private slots:
    void initTestCase() {
        const auto doc = QJsonDocument::fromJson(readFile(kHere + "cases.json"));
        QVERIFY(doc.isArray());
        cases_ = doc.array();
    }

    void everySampleIsCovered() {
        if (!QDir(kSamples).exists())
            QSKIP("shared/clpconf-samples is not beside this checkout (set LIFELINE_SHARED_DIR)");
        QStringList covered;
        for (const auto& c : cases_)
            covered << c.toObject().value("sample").toString();
        for (const auto& file : QDir(kSamples).entryList({"*.txt"}, QDir::Files))
            QVERIFY2(covered.contains(file), qPrintable(file + " has no golden case"));
    }

    void render_data() {
        QTest::addColumn<QJsonObject>("spec");
        for (const auto& c : cases_)
            QTest::newRow(qPrintable(c.toObject().value("name").toString())) << c.toObject();
    }

    void render() {
        QFETCH(QJsonObject, spec);
        const QString sample = spec.value("sample").toString();
        if (!sample.isEmpty() && !QDir(kSamples).exists())
            QSKIP("shared/clpconf-samples is not beside this checkout");

        StatusView view;
        QString error;
        QStringList args;
        for (const auto& a : spec.value("args").toArray())
            args << a.toString();
        // --json belongs to the options every command shares (CliContext).
        const bool json = args.removeAll("--json") > 0;
        QVERIFY2(ClpstatOptions::parse(args, &view, &error), qPrintable(error));

        const auto status =
            QJsonDocument::fromJson(readFile(kHere + "data/" + spec.value("status").toString()));
        QVERIFY(status.isObject());
        std::optional<config::LoadedConfig> loaded;
        if (spec.contains("config")) {
            const QString path = kHere + "data/" + spec.value("config").toString();
            loaded = config::parseConfig(readFile(path), path);
            QVERIFY2(loaded->ok(), qPrintable(loaded->diagnostics.texts().join('\n')));
        }

        const StatusFormatter formatter(status.object(), loaded ? &loaded->config : nullptr);
        QString text;
        const bool rendered =
            json ? (text = formatter.json(), true) : formatter.render(view, &text, &error);
        if (spec.contains("error")) {
            QVERIFY(!rendered);
            QCOMPARE(error, spec.value("error").toString());
            return;
        }
        QVERIFY2(rendered, qPrintable(error));
        QByteArray actual = text.toUtf8();
        if (spec.contains("grep"))
            actual = grepLines(actual, spec.value("grep").toString().toUtf8());

        QByteArray expected;
        if (!sample.isEmpty()) {
            expected = sampleBody(sample);
        } else {
            const QString file = kHere + "expected/" + spec.value("expected").toString();
            if (qEnvironmentVariableIntValue("LIFELINE_UPDATE_GOLDEN")) {
                QFile out(file);
                QVERIFY(out.open(QIODevice::WriteOnly | QIODevice::Truncate));
                out.write(actual);
            }
            QVERIFY2(QFile::exists(file),
                     qPrintable(file + " is missing (LIFELINE_UPDATE_GOLDEN=1 writes it)"));
            expected = readFile(file);
        }
        QVERIFY2(actual == expected, qPrintable(firstDifference(actual, expected)));
    }

    // The column rules on their own.
    void rowRules() {
        QCOMPARE(StatusFormatter::row(4, true, "server1", true, "Online", "Primary server", false),
                 QString("   *server1 .........: Online           Primary server\n"));
        QCOMPARE(StatusFormatter::row(6, false, "lankhb1", false, "Normal", "", false),
                 QString("      lankhb1        : Normal\n"));
        // 16 characters fill the field; 17 are cut and marked.
        QCOMPARE(StatusFormatter::row(4, false, "abcdefghijklmnop", true, "Online", "", false),
                 QString("    abcdefghijklmnop : Online\n"));
        QCOMPARE(StatusFormatter::row(4, false, "abcdefghijklmnopq", true, "Online", "", false),
                 QString("    abcdefghijklmno~ : Online\n"));
        // --long never cuts; a name past the column pushes the ':' right.
        const QString longName(40, 'x');
        QCOMPARE(StatusFormatter::row(4, false, longName, true, "Online", "c", true),
                 "    " + longName + " : Online           c\n");
        // A state that fills the field keeps one space before the comment.
        QCOMPARE(StatusFormatter::row(4, false, "g", false, QString(17, 's'), "c", false),
                 "    g                : " + QString(17, 's') + " c\n");
        QCOMPARE(StatusFormatter::item(2, "Type", "lanhb"),
                 QString("  Type") + QString(51, ' ') + ": lanhb\n");
        QCOMPARE(StatusFormatter::item(4, "Comment", ""),
                 QString("    Comment") + QString(50, ' ') + ":\n");
    }
};

QTEST_GUILESS_MAIN(TestClpstatGolden)
#include "tst_clpstat_golden.moc"
