// Writing the typed model back into the document: only what changed is touched,
// unknown elements survive, new and removed objects appear and disappear.

#include "ConfigFixture.h"
#include "ConfigWriter.h"
#include "DomCompare.h"

#include <QTest>

using namespace lifeline::config;

namespace {

LoadedConfig reparse(const ConfigDocument& doc) {
    const auto bytes = doc.serialize();
    Q_ASSERT(bytes);
    return parseConfig(*bytes, "written");
}

QString textAt(const ConfigDocument& doc, const QString& path) {
    return xml::child(doc.root(), path).text();
}

} // namespace

class TestWriter : public QObject {
    Q_OBJECT
private slots:
    void unchangedModelChangesNothing() {
        auto loaded = parseConfig(fixture::kValidConfig, "f");
        const QString before = testutil::canonical(loaded.document->dom());
        writeConfig(loaded.config, *loaded.document);
        QCOMPARE(testutil::canonical(loaded.document->dom()), before);
        const auto again = reparse(*loaded.document);
        QCOMPARE(testutil::canonical(again.document->dom()), before);
    }

    void changedScalarsAreWrittenInTheirUnits() {
        auto loaded = parseConfig(fixture::kValidConfig, "f");
        auto config = loaded.config;
        config.cluster.heartbeatIntervalMs = 200;
        config.cluster.syncWaitMs = 1500;
        config.monitors[1].intervalMs = 250; // diskw1
        config.groups[0].autoFailback = true;
        writeConfig(config, *loaded.document);
        QCOMPARE(textAt(*loaded.document, "cluster/heartbeat/interval"), QString("200"));
        QCOMPARE(textAt(*loaded.document, "cluster/syncwait"), QString("1.5"));
        QCOMPARE(textAt(*loaded.document, "group/failback"), QString("1"));
        const auto again = reparse(*loaded.document);
        QVERIFY2(again.ok(), qPrintable(again.diagnostics.texts().join('\n')));
        QCOMPARE(again.config.monitor("diskw1")->intervalMs, 250);
        QCOMPARE(again.config.cluster.syncWaitMs, 1500);
        QVERIFY(again.config.groups[0].autoFailback);
        // Defaults never written by the user stay implicit.
        QVERIFY(xml::child(loaded.document->root(), "cluster/port").isNull());
    }

    void unparsableValuesAreLeftAlone() {
        QByteArray xml = fixture::kValidConfig;
        xml.replace("<object>/dev/loop7p2</object>",
                    "<object>/dev/loop7p2</object></parameters><polling><interval>__PERIOD__</interval></polling><parameters>");
        auto loaded = parseConfig(xml, "template");
        QVERIFY(loaded.diagnostics.mentions("\"__PERIOD__\" is not a number of seconds"));
        auto config = loaded.config;
        config.cluster.comment = "changed";
        writeConfig(config, *loaded.document);
        QCOMPARE(xml::child(fixture::monitorElement(loaded.document->root(), "diskw", "diskw1"),
                            "polling/interval").text(),
                 QString("__PERIOD__"));
        QCOMPARE(textAt(*loaded.document, "cluster/comment"), QString("changed"));
    }

    void objectsAreAddedAndRemoved() {
        auto loaded = parseConfig(fixture::kValidConfig, "f");
        auto config = loaded.config;
        Resource vip;
        vip.type = "vip";
        vip.name = "vip1";
        vip.parameters.insert("ip", "198.51.100.7");
        config.resources << vip;
        config.groups[0].resourceRefs << "vip@vip1";
        config.groups[0].policy = {"server2", "server1"};
        config.monitors.removeIf([](const Monitor& m) { return m.name == "fipw1"; });
        config.servers[1].devices.removeIf([](const Device& d) { return d.id == 300; });
        config.servers[1].devices << Device{2, "lan", "198.20.0.12"};
        Group g2;
        g2.name = "failover2";
        config.groups << g2;
        writeConfig(config, *loaded.document);

        const auto again = reparse(*loaded.document);
        QVERIFY(again.config.resource("vip1"));
        QCOMPARE(again.config.resource("vip1")->param("ip"), QString("198.51.100.7"));
        QCOMPARE(again.config.group("failover1")->policy, QStringList({"server2", "server1"}));
        QVERIFY(!again.config.monitor("fipw1"));
        QVERIFY(!again.config.server("server2")->device(300));
        QCOMPARE(again.config.server("server2")->device(2)->info, QString("198.20.0.12"));
        QVERIFY(again.config.group("failover2"));
        // The element Lifeline does not model is still there.
        QCOMPARE(textAt(*loaded.document, "unknownextension/keep"), QString("me"));
        // A new type gets its <types> marker, as ExpressCluster writes it.
        bool marker = false;
        for (const auto& t : xml::children(loaded.document->root().firstChildElement("resource"), "types"))
            marker |= t.attribute("name") == "vip";
        QVERIFY(marker);
    }

    void parametersAndDependenciesAreSynced() {
        auto loaded = parseConfig(fixture::kValidConfig, "f");
        auto config = loaded.config;
        auto& disk = config.resources[1];
        disk.parameters["mount/point"] = "/srv/data";
        disk.parameters.remove("fs");
        disk.depends.clear();
        writeConfig(config, *loaded.document);
        const auto again = reparse(*loaded.document);
        const auto* d = again.config.resource("disk1");
        QCOMPARE(d->param("mount/point"), QString("/srv/data"));
        QCOMPARE(d->param("fs"), QString("ext4")); // the default again
        QVERIFY(!d->parameters.contains("fs"));
        QVERIFY(d->depends.isEmpty());
    }

    void resourceTypeChangeReplacesTheElement() {
        auto loaded = parseConfig(fixture::kValidConfig, "f");
        auto config = loaded.config;
        config.resources[0].type = "vip";
        config.groups[0].resourceRefs[0] = "vip@fip1";
        writeConfig(config, *loaded.document);
        const auto again = reparse(*loaded.document);
        QCOMPARE(again.config.resource("fip1")->type, QString("vip"));
        QCOMPARE(again.config.resource("fip1")->param("ip"), QString("198.18.0.100"));
    }
};

QTEST_GUILESS_MAIN(TestWriter)
#include "tst_writer.moc"
