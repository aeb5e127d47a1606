// The Cluster Generation Wizard driven as a user would (offscreen): every page
// filled in the manual's order, Next pressed, Finish, saved, and the clp.conf
// compared with golden/wizard.clp.conf (LIFELINE_UPDATE_GOLDEN=1 rewrites it).
// Each page's validation shows clpcfchk's own message and disables Next.
// A screenshot of every page goes to <build>/tests/screenshots/builder/.

#include "BuilderDocument.h"
#include "BuilderTestUtil.h"
#include "ClusterWizard.h"
#include "ConfigReader.h"
#include "MainWindow.h"
#include "ScriptSet.h"
#include "StandardScripts.h"
#include "ValidationLabel.h"
#include "WizardPage.h"

#include <QAbstractButton>
#include <QTreeWidget>
#include <QCheckBox>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QFile>
#include <QListWidget>
#include <QPlainTextEdit>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QTest>

using namespace lifeline;
using namespace lifeline::builder;
using buildertest::child;
using buildertest::readFile;
using buildertest::type;

namespace {

const QString kGolden =
    QStringLiteral(LIFELINE_SOURCE_DIR "/tests/unit/builder/golden/wizard.clp.conf");

} // namespace

class TestBuilderWizard : public QObject {
    Q_OBJECT

    WizardPage* page(ClusterWizard& w) { return qobject_cast<WizardPage*>(w.currentPage()); }
    QStringList messages(ClusterWizard& w) { return page(w)->validation()->messages(); }
    bool nextEnabled(ClusterWizard& w) {
        auto* b = w.button(w.currentId() == ClusterWizard::MonitorsPageId ? QWizard::FinishButton
                                                                          : QWizard::NextButton);
        return b->isEnabled() && b->isVisible();
    }
    void screenshot(ClusterWizard& w, const QString& name) {
        const QString file = buildertest::screenshotDir() +
                             QStringLiteral("/%1-%2.png").arg(w.currentId() + 1).arg(name);
        QCoreApplication::processEvents(); // widgets added to a shown layout appear queued
        QVERIFY(w.grab().save(file));
    }
    // Presses Next (only works when it is enabled, as for a user) and checks where we are.
    void next(ClusterWizard& w, int expected) {
        QVERIFY2(nextEnabled(w), qPrintable(messages(w).join('\n')));
        w.button(QWizard::NextButton)->click();
        QCOMPARE(w.currentId(), expected);
    }
    // What clpcfchk says about the draft once saved: the page must show the same lines.
    QStringList clpcfchk(ClusterWizard& w) {
        QTemporaryDir dir;
        auto doc = BuilderDocument::create(w.draft(), w.scripts());
        QString error;
        if (!doc.save(dir.path(), &error))
            return {error};
        auto loaded = config::loadConfig(dir.filePath("clp.conf"));
        config::checkScripts(loaded.config, dir.path(), loaded.diagnostics);
        return loaded.diagnostics.texts();
    }
    void expectError(ClusterWizard& w, const QString& text) {
        QVERIFY2(messages(w).contains(text),
                 qPrintable("missing: " + text + "\nshown:\n" + messages(w).join('\n')));
        QVERIFY2(clpcfchk(w).contains(text), qPrintable("clpcfchk does not say: " + text));
        QVERIFY(!nextEnabled(w));
    }

    void fillCluster(ClusterWizard& w) {
        type(child<QLineEdit>(&w, "clusterName"), "cluster1");
        type(child<QLineEdit>(&w, "clusterComment"), "made by the wizard test");
        type(child<QLineEdit>(&w, "managementIp"), "198.18.0.50");
    }
    void fillServers(ClusterWizard& w) {
        auto* entry = child<QLineEdit>(&w, "serverEntry");
        auto* list = child<QListWidget>(&w, "serverList");
        for (const char* name : {"server1", "server2.example.com", "server3"}) {
            type(entry, name);
            child<QAbstractButton>(&w, "addServer")->click();
        }
        // The FQDN became its host name; move server3 up, then remove it.
        QCOMPARE(list->item(1)->text(), QString("server2"));
        list->setCurrentRow(2);
        child<QAbstractButton>(&w, "serverUp")->click();
        QCOMPARE(list->item(1)->text(), QString("server3"));
        child<QAbstractButton>(&w, "removeServer")->click();
        QCOMPARE(list->count(), 2);
        QCOMPARE(w.draft().serversByPriority().first().name, QString("server1"));
    }
    void fillInterconnect(ClusterWizard& w) {
        auto* table = child<QTableWidget>(&w, "routeTable");
        QCOMPARE(table->rowCount(), 1); // one LAN route to start with
        QCOMPARE(table->columnCount(), 3);
        table->item(0, 1)->setText("198.18.0.11");
        table->item(0, 2)->setText("198.18.0.12");
        child<QAbstractButton>(&w, "addRoute")->click();
        auto* kernel = child<QComboBox>(&w, "routeType1");
        kernel->setCurrentIndex(kernel->findData("lankhb"));
        table->item(1, 1)->setText("198.19.0.11/24");
        table->item(1, 2)->setText("198.19.0.12/24");
        child<QAbstractButton>(&w, "addRoute")->click();
        auto* disk = child<QComboBox>(&w, "routeType2");
        disk->setCurrentIndex(disk->findData("diskhb"));
        table->item(2, 1)->setText("/dev/loop7p1");
        table->item(2, 2)->setText("/dev/loop7p1");
        // The kernel-mode route first.
        table->setCurrentCell(1, 1);
        child<QAbstractButton>(&w, "routeUp")->click();
        QCOMPARE(w.draft().heartbeats.first().type, QString("lankhb"));
    }
    void fillNp(ClusterWizard& w) {
        child<QCheckBox>(&w, "pingMode")->setChecked(true);
        type(child<QLineEdit>(&w, "pingTargets"), "198.18.0.254");
    }
    void fillGroups(ClusterWizard& w) {
        child<QAbstractButton>(&w, "addGroup")->click();
        child<QCheckBox>(&w, "allServers")->setChecked(false);
        auto* servers = child<QListWidget>(&w, "groupServers");
        servers->setCurrentRow(1);
        child<QAbstractButton>(&w, "groupServerUp")->click(); // server2 first
        QCOMPARE(w.draft().group("failover1")->policy, QStringList({"server2", "server1"}));
        child<QCheckBox>(&w, "autoFailback")->setChecked(true);
    }
    void addResource(ClusterWizard& w, const QString& kind) {
        auto* kinds = child<QComboBox>(&w, "newResourceType");
        kinds->setCurrentText(kind);
        child<QAbstractButton>(&w, "addResource")->click();
    }
    void dependOn(ClusterWizard& w, const QString& name) {
        auto* depends = child<QListWidget>(&w, "resourceDepends");
        const auto items = depends->findItems(name, Qt::MatchExactly);
        QCOMPARE(items.size(), 1);
        items.first()->setCheckState(Qt::Checked);
    }
    void fillResources(ClusterWizard& w) {
        addResource(w, "fip");
        type(child<QLineEdit>(&w, "param:ip"), "198.18.0.100");
        addResource(w, "disk");
        type(child<QLineEdit>(&w, "param:device"), "/dev/loop7p2");
        type(child<QLineEdit>(&w, "param:mount/point"), "/mnt/disk1");
        dependOn(w, "fip1");
        addResource(w, "exec");
        auto* start = child<QPlainTextEdit>(&w, "startScript");
        QCOMPARE(start->toPlainText(), standardStartScript());
        start->setPlainText(standardStartScript() + "# app: start\n");
        dependOn(w, "disk1");
        child<QSpinBox>(&w, "actRetry")->setValue(1);
        addResource(w, "volmgr");
        type(child<QLineEdit>(&w, "param:devname"), "vg1");
        type(child<QLineEdit>(&w, "resourceName"), "vg-data");
    }
    void fillMonitors(ClusterWizard& w) {
        QCOMPARE(child<QListWidget>(&w, "monitorList")->item(0)->text(), QString("userw"));
        QCOMPARE(w.draft().monitor("userw")->target, QString()); // renames left it alone
        auto* kinds = child<QComboBox>(&w, "newMonitorType");
        kinds->setCurrentText("fipw");
        child<QAbstractButton>(&w, "addMonitor")->click();
        QCOMPARE(w.draft().monitor("fipw1")->target, QString("fip1")); // its resource by default
        kinds->setCurrentText("diskw");
        child<QAbstractButton>(&w, "addMonitor")->click();
        type(child<QLineEdit>(&w, "param:object"), "/dev/loop7p2");
        child<QDoubleSpinBox>(&w, "monitorInterval")->setValue(30);
        child<QDoubleSpinBox>(&w, "monitorTimeout")->setValue(60);
        auto* recovery = child<QTreeWidget>(&w, "recoveryTargetTree");
        const auto group = recovery->findItems("failover1", Qt::MatchExactly | Qt::MatchRecursive);
        QCOMPARE(group.size(), 1);
        recovery->setCurrentItem(group.first());
        QCOMPARE(w.draft().monitor("diskw1")->relationType, QString("grp"));
        auto* action = child<QComboBox>(&w, "finalAction");
        action->setCurrentIndex(action->findData(2));
    }

    // Fills each page validly (with a screenshot of it filled) and presses Next until
    // `target` is the current page.
    void advanceTo(ClusterWizard& w, int target, bool screenshots = false) {
        const char* names[] = {"cluster", "servers", "interconnect", "np", "groups", "resources"};
        using Fill = void (TestBuilderWizard::*)(ClusterWizard&);
        const Fill fills[] = {
            &TestBuilderWizard::fillCluster,      &TestBuilderWizard::fillServers,
            &TestBuilderWizard::fillInterconnect, &TestBuilderWizard::fillNp,
            &TestBuilderWizard::fillGroups,       &TestBuilderWizard::fillResources};
        while (w.currentId() < target && !QTest::currentTestFailed()) {
            (this->*fills[w.currentId()])(w);
            if (screenshots)
                screenshot(w, names[w.currentId()]);
            next(w, w.currentId() + 1);
        }
    }

private slots:
    void endToEnd() {
        ClusterWizard w;
        w.show();
        QCOMPARE(w.currentId(), int(ClusterWizard::ClusterPageId));
        screenshot(w, "cluster-empty");
        advanceTo(w, ClusterWizard::MonitorsPageId, true);
        fillMonitors(w);
        screenshot(w, "monitors");
        QVERIFY2(nextEnabled(w), qPrintable(messages(w).join('\n')));
        w.button(QWizard::FinishButton)->click();
        QCOMPARE(w.result(), int(QDialog::Accepted));

        // Into the main window, unsaved; then saved.
        MainWindow window;
        window.setNewConfiguration(BuilderDocument::create(w.draft(), w.scripts()));
        QVERIFY(window.isWindowModified());
        QVERIFY(window.windowTitle().contains("[*]"));
        QCOMPARE(window.findings()->messages(), QStringList());
        QTemporaryDir dir;
        QString error;
        QVERIFY2(window.saveTo(dir.path(), &error), qPrintable(error));
        QVERIFY(!window.isWindowModified());
        window.show();
        QCoreApplication::processEvents();
        QVERIFY(window.grab().save(buildertest::screenshotDir() + "/8-main-window.png"));

        // clpcfchk finds nothing; the scripts are there, with the edit.
        auto loaded = config::loadConfig(dir.filePath("clp.conf"));
        config::checkScripts(loaded.config, dir.path(), loaded.diagnostics);
        QVERIFY2(loaded.diagnostics.items().isEmpty(),
                 qPrintable(loaded.diagnostics.texts().join('\n')));
        QCOMPARE(QString::fromUtf8(readFile(dir.filePath("scripts/failover1/exec1/start.sh"))),
                 standardStartScript() + "# app: start\n");
        QCOMPARE(QString::fromUtf8(readFile(dir.filePath("scripts/failover1/exec1/stop.sh"))),
                 standardStopScript());

        const QByteArray actual = readFile(dir.filePath("clp.conf"));
        if (qEnvironmentVariableIntValue("LIFELINE_UPDATE_GOLDEN")) {
            QFile out(kGolden);
            QVERIFY(out.open(QIODevice::WriteOnly | QIODevice::Truncate));
            out.write(actual);
        }
        QVERIFY2(QFile::exists(kGolden),
                 qPrintable(kGolden + " is missing (LIFELINE_UPDATE_GOLDEN=1 writes it)"));
        QCOMPARE(QString::fromUtf8(actual), QString::fromUtf8(readFile(kGolden)));
    }

    // Back to the servers, one more added: the routes keep their cells, the new
    // server's are blank (a warning, not an error).
    void backKeepsWhatWasEntered() {
        ClusterWizard w;
        w.show();
        advanceTo(w, ClusterWizard::NpPageId);
        w.button(QWizard::BackButton)->click();
        w.button(QWizard::BackButton)->click();
        QCOMPARE(w.currentId(), int(ClusterWizard::ServersPageId));
        QCOMPARE(child<QListWidget>(&w, "serverList")->count(), 2);
        type(child<QLineEdit>(&w, "serverEntry"), "server3");
        child<QAbstractButton>(&w, "addServer")->click();
        next(w, ClusterWizard::InterconnectPageId);
        auto* table = child<QTableWidget>(&w, "routeTable");
        QCOMPARE(table->columnCount(), 4);
        QCOMPARE(table->item(0, 1)->text(), QString("198.19.0.11/24"));
        QCOMPARE(table->item(1, 2)->text(), QString("198.18.0.12"));
        QCOMPARE(table->item(0, 3)->text(), QString());
        QVERIFY2(messages(w).contains("warning: heartbeat \"lankhb1\": device 0 is not defined on "
                                      "server(s) server3, so they do not use this path"),
                 qPrintable(messages(w).join('\n')));
        QVERIFY(nextEnabled(w));
    }

    void clusterPageValidation() {
        ClusterWizard w;
        w.show();
        expectError(w, "error: cluster / name: the cluster has no name");
        type(child<QLineEdit>(&w, "clusterName"), "cluster1");
        QVERIFY(nextEnabled(w));
        type(child<QLineEdit>(&w, "clusterName"), "");
        QVERIFY(!nextEnabled(w));
        type(child<QLineEdit>(&w, "clusterName"), "cluster1");
        type(child<QLineEdit>(&w, "managementIp"), "198.18.0.500");
        expectError(w, "error: group \"ManagementGroup\" / resource \"ManagementIP\" / "
                       "parameters/ip: \"198.18.0.500\" is not an IP address");
        screenshot(w, "cluster-invalid");
        type(child<QLineEdit>(&w, "managementIp"), "");
        QVERIFY(nextEnabled(w));
    }

    void serversPageValidation() {
        ClusterWizard w;
        w.show();
        advanceTo(w, ClusterWizard::ServersPageId);
        expectError(w, "error: server: no server is defined");
        type(child<QLineEdit>(&w, "serverEntry"), "bad name");
        child<QAbstractButton>(&w, "addServer")->click();
        expectError(w, "error: server \"bad name\": name \"bad name\" is not valid: use letters, "
                       "digits, '-', '_' and '.', at most 63 characters, starting with a letter "
                       "or digit");
        child<QAbstractButton>(&w, "removeServer")->click();
        for (int i = 0; i < 2; ++i) {
            type(child<QLineEdit>(&w, "serverEntry"), "Server1");
            child<QAbstractButton>(&w, "addServer")->click();
        }
        expectError(w,
                    "error: server \"Server1\": server name \"Server1\" is defined more than once");
        screenshot(w, "servers-invalid");
        // Case sensitive: server1 is another name.
        auto* list = child<QListWidget>(&w, "serverList");
        list->item(1)->setText("server1");
        QVERIFY2(nextEnabled(w), qPrintable(messages(w).join('\n')));
        QCOMPARE(w.draft().servers[1].name, QString("server1"));
    }

    void interconnectPageValidation() {
        ClusterWizard w;
        w.show();
        advanceTo(w, ClusterWizard::ServersPageId);
        type(child<QLineEdit>(&w, "serverEntry"), "198.18.0.11"); // known by its address
        child<QAbstractButton>(&w, "addServer")->click();
        next(w, ClusterWizard::InterconnectPageId);
        auto* table = child<QTableWidget>(&w, "routeTable");
        QCOMPARE(table->item(0, 1)->text(), QString("198.18.0.11")); // registered from it
        QVERIFY(nextEnabled(w));
        table->item(0, 1)->setText("198.18.0.300");
        expectError(w, "error: server \"198.18.0.11\" / device 0: \"198.18.0.300\" is not an IP "
                       "address (a.b.c.d or a.b.c.d/len)");
        table->item(0, 1)->setText("198.18.0.11");
        auto* kind = child<QComboBox>(&w, "routeType0");
        kind->setCurrentIndex(kind->findData("comhb"));
        expectError(w, "error: heartbeat: no LAN heartbeat is defined: at least one lanhb or "
                       "lankhb is required");
        screenshot(w, "interconnect-invalid");
        kind->setCurrentIndex(kind->findData("lanhb"));
        QVERIFY(nextEnabled(w));
    }

    void npPageValidation() {
        ClusterWizard w;
        w.show();
        advanceTo(w, ClusterWizard::NpPageId);
        QVERIFY(messages(w).contains(
            "warning: networkpartition: no network partition resolution is configured: if every "
            "heartbeat path fails, every server takes over the groups (dangerous with a shared "
            "disk)"));
        QVERIFY(nextEnabled(w)); // a warning does not stop the wizard
        child<QCheckBox>(&w, "pingMode")->setChecked(true);
        expectError(w, "error: networkpartition \"pingnp1\": has no ping target (grp/list/ip)");
        type(child<QLineEdit>(&w, "pingTargets"), "198.18.0.254, gateway");
        expectError(w, "error: networkpartition \"pingnp1\": ping target \"gateway\" is not an IP "
                       "address");
        type(child<QLineEdit>(&w, "pingTargets"), "198.18.0.254");
        auto* action = child<QComboBox>(&w, "npAction");
        action->setCurrentIndex(action->findData(1));
        expectError(w, "error: cluster / networkpartition/npaction: action 1 (No operation (not "
                       "activate next resource)) would leave an isolated server running its "
                       "groups; use 3 (stop the cluster service) to 8");
        screenshot(w, "np-invalid");
        action->setCurrentIndex(action->findData(4));
        QVERIFY(nextEnabled(w));
    }

    void groupsPageValidation() {
        ClusterWizard w;
        w.show();
        advanceTo(w, ClusterWizard::GroupsPageId);
        child<QAbstractButton>(&w, "addGroup")->click();
        QVERIFY(messages(w).contains("warning: group \"failover1\": has no resources"));
        QVERIFY(nextEnabled(w));
        type(child<QLineEdit>(&w, "groupName"), "web group");
        expectError(w, "error: group \"web group\": name \"web group\" is not valid: use letters, "
                       "digits, '-', '_' and '.', at most 63 characters, starting with a letter "
                       "or digit");
        screenshot(w, "groups-invalid");
        type(child<QLineEdit>(&w, "groupName"), "web");
        QVERIFY(nextEnabled(w));
        QVERIFY(w.draft().group("web"));
    }

    void resourcesPageValidation() {
        ClusterWizard w;
        w.show();
        advanceTo(w, ClusterWizard::ResourcesPageId);
        addResource(w, "fip");
        expectError(w, "error: group \"failover1\" / resource \"fip1\" / parameters/ip: required "
                       "value is missing (Floating IP address.)");
        type(child<QLineEdit>(&w, "param:ip"), "203.0.113.5");
        expectError(w,
                    "error: group \"failover1\" / resource \"fip1\" / parameters/ip: 203.0.113.5 "
                    "is not in the subnet of any LAN of server \"server2\" (198.19.0.12/24, "
                    "198.18.0.12/24), which can run group \"failover1\"");
        type(child<QLineEdit>(&w, "param:ip"), "198.18.0.100");
        QVERIFY(nextEnabled(w));
        addResource(w, "disk");
        type(child<QLineEdit>(&w, "param:device"), "/dev/loop7p2");
        type(child<QLineEdit>(&w, "param:mount/point"), "mnt/disk1");
        expectError(w, "error: group \"failover1\" / resource \"disk1\" / parameters/mount/point: "
                       "\"mnt/disk1\" is not an absolute path");
        screenshot(w, "resources-invalid");
        type(child<QLineEdit>(&w, "param:mount/point"), "/mnt/disk1");
        dependOn(w, "fip1");
        QVERIFY(nextEnabled(w));
        // A rename follows into the dependency.
        auto* list = child<QListWidget>(&w, "resourceList");
        list->setCurrentRow(0);
        type(child<QLineEdit>(&w, "resourceName"), "vip-web");
        QCOMPARE(w.draft().resource("disk1")->depends, QStringList{"vip-web"});
        QCOMPARE(w.draft().group("failover1")->resourceRefs.first(), QString("fip@vip-web"));
        QVERIFY(nextEnabled(w));
    }

    void monitorsPageValidation() {
        ClusterWizard w;
        w.show();
        advanceTo(w, ClusterWizard::MonitorsPageId);
        QVERIFY(nextEnabled(w));
        auto* kinds = child<QComboBox>(&w, "newMonitorType");
        kinds->setCurrentText("diskw");
        child<QAbstractButton>(&w, "addMonitor")->click();
        expectError(w, "error: monitor \"diskw1\" / parameters/object: required value is missing "
                       "(Device to check.)");
        type(child<QLineEdit>(&w, "param:object"), "/dev/loop7p2");
        child<QDoubleSpinBox>(&w, "monitorTimeout")->setValue(10);
        QVERIFY(messages(w).contains("warning: monitor \"diskw1\" / polling/timeout: timeout "
                                     "(10000 ms) is shorter than the interval (60000 ms)"));
        QVERIFY(nextEnabled(w));
        kinds->setCurrentText("pidw");
        child<QAbstractButton>(&w, "addMonitor")->click();
        child<QComboBox>(&w, "monitorTarget")->setCurrentText("fip1");
        expectError(w, "error: monitor \"pidw1\" / target: target \"fip1\" is a fip resource; a "
                       "PID monitor watches an exec resource");
        screenshot(w, "monitors-invalid");
        child<QComboBox>(&w, "monitorTarget")->setCurrentText("exec1");
        QVERIFY(nextEnabled(w));
    }
};

QTEST_MAIN(TestBuilderWizard)
#include "tst_builder_wizard.moc"
