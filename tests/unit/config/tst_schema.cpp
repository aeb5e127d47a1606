// The schema tables: value formats, defaults, and the documented defaults table.

#include "ClusterConfig.h"
#include "Schema.h"

#include <QFile>
#include <QTest>

using namespace lifeline::config;
using namespace lifeline::config::schema;

class TestSchema : public QObject {
    Q_OBJECT
private slots:
    void secondsParseAndFormat() {
        QCOMPARE(parseValue(FieldKind::Seconds, "0.2"), std::optional<qint64>(200));
        QCOMPARE(parseValue(FieldKind::Seconds, " 90 "), std::optional<qint64>(90000));
        QCOMPARE(parseValue(FieldKind::Seconds, "1.2345"), std::nullopt);
        QCOMPARE(parseValue(FieldKind::Seconds, "-1"), std::nullopt);
        QCOMPARE(parseValue(FieldKind::Seconds, "1e3"), std::nullopt);
        QCOMPARE(formatValue(FieldKind::Seconds, 1500), QString("1.5"));
        QCOMPARE(formatValue(FieldKind::Seconds, 200), QString("0.2"));
        QCOMPARE(formatValue(FieldKind::Seconds, 60000), QString("60"));
    }

    void flagsAndIntegers() {
        QCOMPARE(parseValue(FieldKind::Flag, "1"), std::optional<qint64>(1));
        QCOMPARE(parseValue(FieldKind::Flag, "2"), std::nullopt);
        QCOMPARE(parseValue(FieldKind::Integer, "-1"), std::optional<qint64>(-1));
        QCOMPARE(parseValue(FieldKind::Integer, "3x"), std::nullopt);
    }

    void modelDefaultsAreTheSafeOnes() {
        const Resource r;
        QCOMPARE(r.actRetry, 0);
        QCOMPARE(r.actFailoverThreshold, 1);
        QCOMPARE(r.actAction, int(FinalAction::NoOperationStopActivating));
        QCOMPARE(r.deactRetry, 0);
        QCOMPARE(r.deactAction, int(FinalAction::StopClusterServiceAndShutdown));
        const Group g;
        QVERIFY(g.autoStart);
        QVERIFY(!g.autoFailback);
        const ClusterProperties c;
        QCOMPARE(c.heartbeatIntervalMs, 1000);
        QCOMPARE(c.heartbeatTimeoutMs, 5000);
        QCOMPARE(c.internalPort, 29001);
        QCOMPARE(c.heartbeatPort, 29002);
        QCOMPARE(c.webmgrPort, 29003);
        QCOMPARE(c.kernelHeartbeatPort, 29006);
    }

    void parameterDefaultsByType() {
        Resource exec;
        exec.type = "exec";
        QCOMPARE(exec.param("act/path"), QString("start.sh"));
        QCOMPARE(exec.param("timeout/start"), QString("1800"));
        exec.parameters.insert("act/path", "run.sh");
        QCOMPARE(exec.param("act/path"), QString("run.sh"));
        Monitor genw;
        genw.type = "genw";
        QCOMPARE(genw.param("path"), QString("genw.sh"));
    }

    void everyTypeHasADescription() {
        for (auto cls : {ObjectClass::Heartbeat, ObjectClass::NpResource, ObjectClass::Group,
                         ObjectClass::Resource, ObjectClass::Monitor}) {
            QVERIFY(!types(cls).isEmpty());
            for (const auto& t : types(cls))
                QVERIFY2(qstrlen(t.description) > 0, t.type);
        }
        QCOMPARE(QString(typeInfo(ObjectClass::Heartbeat, "lankhb")->description),
                 QString("Kernel Mode LAN Heartbeat"));
        QVERIFY(!typeInfo(ObjectClass::Resource, "md")->supported);
    }

    void everyFinalActionHasAName() {
        for (int code = 0; code <= kFinalActionMax; ++code)
            QVERIFY(!finalActionName(code).startsWith("unknown"));
        QCOMPARE(finalActionName(42), QString("unknown action 42"));
    }

    // server/config/README.md carries the table generated from the schema; a
    // change to a default must change the documentation too.
    void readmeDocumentsEveryDefault() {
        QFile readme(LIFELINE_SOURCE_DIR "/server/config/README.md");
        QVERIFY(readme.open(QIODevice::ReadOnly));
        const QString text = QString::fromUtf8(readme.readAll());
        const QString table = defaultsMarkdown();
        QVERIFY2(text.contains(table),
                 qPrintable("server/config/README.md is out of date; regenerate the table with "
                            "`clpcfchk --defaults-table`. Expected table:\n" + table));
    }
};

QTEST_GUILESS_MAIN(TestSchema)
#include "tst_schema.moc"
