// Editing outside the wizard (clpbuilder's tree): property pages for every kind of
// object, edited as a user does and saved against golden/properties.clp.conf
// (LIFELINE_UPDATE_GOLDEN=1 rewrites it); an invalid value shows clpcfchk's message
// and disables OK; add / rename / delete follow references and ask before removing
// what is referred to; undo goes back to the original bytes; Export for Linux and
// for Windows differ only in line endings. Screenshots of every property page go to
// <build>/tests/screenshots/builder/.

#include "BuilderDocument.h"
#include "BuilderTestUtil.h"
#include "ConfigReader.h"
#include "ConfigTreeModel.h"
#include "MainWindow.h"
#include "PropertyDialog.h"
#include "PropertyPage.h"
#include "ScriptSet.h"
#include "TreeEditor.h"
#include "ValidationLabel.h"

#include <QAbstractButton>
#include <QApplication>
#include <QCheckBox>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QDoubleSpinBox>
#include <QFile>
#include <QInputDialog>
#include <QLineEdit>
#include <QListWidget>
#include <QMessageBox>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSpinBox>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>
#include <QTreeView>
#include <QTreeWidget>
#include <QUndoStack>

#include <memory>

using namespace lifeline;
using namespace lifeline::builder;
using buildertest::child;
using buildertest::readFile;
using buildertest::writeFile;
using buildertest::type;
using Kind = ConfigTreeModel::Kind;

namespace {

const QString kGoldenDir = QStringLiteral(LIFELINE_SOURCE_DIR "/tests/unit/builder/golden");
const QString kSamples = QStringLiteral(LIFELINE_SHARED_DIR "/clpconf-samples");

// The wizard's golden configuration with its exec scripts, as a folder to open.
QString wizardDir(const QTemporaryDir& tmp) {
    const QString dir = tmp.filePath("in");
    writeFile(dir + "/clp.conf", readFile(kGoldenDir + "/wizard.clp.conf"));
    writeFile(dir + "/scripts/failover1/exec1/start.sh", "#!/bin/sh\necho start\nexit 0\n");
    writeFile(dir + "/scripts/failover1/exec1/stop.sh", "#!/bin/sh\necho stop\nexit 0\n");
    return dir;
}

// Answers the next modal dialog once it is open (polled: it opens inside the
// action that follows): a message box with `button`, an input dialog with `text`.
template <class Dialog, class Answer> void answerNextModal(Answer answer, int tries = 500) {
    QTimer::singleShot(10, [answer, tries] {
        if (auto* dialog = qobject_cast<Dialog*>(QApplication::activeModalWidget()))
            answer(dialog);
        else if (tries > 0)
            answerNextModal<Dialog>(answer, tries - 1);
    });
}
void answerNext(QMessageBox::StandardButton button, QString* question = nullptr) {
    answerNextModal<QMessageBox>([button, question](QMessageBox* box) {
        if (question)
            *question = box->text();
        box->button(button)->click();
    });
}
void answerNextInput(const QString& text) {
    answerNextModal<QInputDialog>([text](QInputDialog* input) {
        input->setTextValue(text);
        input->accept();
    });
}

QStringList clpcfchk(const BuilderDocument& doc) {
    QTemporaryDir dir;
    auto copy = doc;
    QString error;
    if (!copy.save(dir.path(), &error))
        return {error};
    auto loaded = config::loadConfig(dir.filePath("clp.conf"));
    config::checkScripts(loaded.config, dir.path(), loaded.diagnostics);
    return loaded.diagnostics.texts();
}

} // namespace

class TestBuilderEdit : public QObject {
    Q_OBJECT

    std::unique_ptr<MainWindow> open(const QString& dir) {
        auto window = std::make_unique<MainWindow>();
        QString error;
        if (!window->openDirectory(dir, &error))
            qFatal("cannot open %s: %s", qPrintable(dir), qPrintable(error));
        window->show();
        activate(*window);
        return window;
    }
    // Keys go to the active window (shortcuts); under Xvfb without a window manager
    // nothing activates a window by itself, nor again after a dialog.
    static void activate(QWidget& w) {
        w.activateWindow();
        QApplication::setActiveWindow(&w);
        QVERIFY(QTest::qWaitForWindowActive(&w));
    }
    // The property dialog of an object, shown (the caller presses OK).
    std::unique_ptr<PropertyDialog> properties(MainWindow& w, Kind kind, const QString& name) {
        if (kind != Kind::Cluster && !w.select(kind, name))
            qFatal("no %s in the tree", qPrintable(name));
        if (kind == Kind::Cluster)
            w.tree()->setCurrentIndex(w.treeModel()->index(0, 0));
        std::unique_ptr<PropertyDialog> dialog(w.editor()->propertyDialog(&w));
        dialog->show();
        return dialog;
    }
    QAbstractButton* ok(PropertyDialog& d) {
        return child<QDialogButtonBox>(&d, QString())->button(QDialogButtonBox::Ok);
    }
    void screenshot(QWidget& w, const QString& name) {
        QCoreApplication::processEvents();
        QVERIFY(w.grab().save(buildertest::screenshotDir() + "/" + name + ".png"));
    }
    void pressOk(PropertyDialog& d, const QString& shot) {
        screenshot(d, shot);
        QVERIFY2(ok(d)->isEnabled(), qPrintable(d.validation()->messages().join('\n')));
        ok(d)->click();
    }
    const config::ClusterConfig& model(MainWindow& w) { return w.document()->config(); }

private slots:
    // Every kind of object edited through its property page, then saved.
    void propertyPagesGolden() {
        QTemporaryDir tmp;
        auto w = open(wizardDir(tmp));

        auto cluster = properties(*w, Kind::Cluster, QString());
        type(child<QLineEdit>(cluster.get(), "propertyComment"), "edited in the property pages");
        child<QDoubleSpinBox>(cluster.get(), "heartbeatInterval")->setValue(2);
        child<QDoubleSpinBox>(cluster.get(), "heartbeatTimeout")->setValue(10.5);
        child<QSpinBox>(cluster.get(), "webmgrPort")->setValue(29103);
        auto* masters = child<QListWidget>(cluster.get(), "masterServers");
        masters->setCurrentRow(1);
        child<QAbstractButton>(cluster.get(), "masterUp")->click();
        pressOk(*cluster, "properties-cluster");
        QCOMPARE(model(*w).cluster.heartbeatTimeoutMs, 10500);
        QCOMPARE(model(*w).serversByPriority().first().name, QString("server2"));

        auto server = properties(*w, Kind::Server, "server1");
        type(child<QLineEdit>(server.get(), "propertyComment"), "first server");
        child<QTableWidget>(server.get(), "serverDevices")->item(0, 2)->setText("198.19.0.21/24");
        pressOk(*server, "properties-server");

        auto hb = properties(*w, Kind::Heartbeat, "lanhb1");
        child<QSpinBox>(hb.get(), "heartbeatPriority")->setValue(5);
        child<QTableWidget>(hb.get(), "heartbeatServers")->item(1, 1)->setText("198.18.0.22");
        pressOk(*hb, "properties-interconnect");

        auto np = properties(*w, Kind::NpResource, "pingnp1");
        QVERIFY(!child<QCheckBox>(np.get(), "npDetailed")->isChecked()); // simple: defaults
        child<QCheckBox>(np.get(), "npDetailed")->setChecked(true);
        child<QPlainTextEdit>(np.get(), "npTargetGroups")
            ->setPlainText("198.18.0.254\n198.18.0.253, 198.18.0.252\n");
        child<QDoubleSpinBox>(np.get(), "npInterval")->setValue(2);
        pressOk(*np, "properties-np");
        QCOMPARE(model(*w).npResources.first().targetGroups.size(), 2);

        auto group = properties(*w, Kind::Group, "failover1");
        type(child<QLineEdit>(group.get(), "propertyComment"), "web service");
        child<QCheckBox>(group.get(), "autoStart")->setChecked(false);
        pressOk(*group, "properties-group");

        auto fip = properties(*w, Kind::Resource, "fip1");
        type(child<QLineEdit>(fip.get(), "param:ip"), "198.18.0.101");
        child<QSpinBox>(fip.get(), "actRetry")->setValue(2);
        pressOk(*fip, "properties-resource");

        auto exec = properties(*w, Kind::Resource, "exec1");
        auto* start = child<QPlainTextEdit>(exec.get(), "startScript");
        QCOMPARE(start->toPlainText(), QString("#!/bin/sh\necho start\nexit 0\n"));
        start->setPlainText("#!/bin/sh\necho started\nexit 0\n");
        pressOk(*exec, "properties-resource-exec");

        auto monitor = properties(*w, Kind::Monitor, "diskw1");
        child<QDoubleSpinBox>(monitor.get(), "monitorFirstWait")->setValue(5);
        auto* tree = child<QTreeWidget>(monitor.get(), "recoveryTargetTree");
        const auto disk = tree->findItems("disk1 (disk)", Qt::MatchExactly | Qt::MatchRecursive);
        QCOMPARE(disk.size(), 1);
        tree->setCurrentItem(disk.first());
        pressOk(*monitor, "properties-monitor");
        QCOMPARE(model(*w).monitor("diskw1")->relationType, QString("rsc"));

        QVERIFY(w->isWindowModified());
        screenshot(*w, "main-window-edited");
        const QString out = tmp.filePath("out");
        QString error;
        QVERIFY2(w->saveTo(out, &error), qPrintable(error));
        QVERIFY(!w->isWindowModified());
        QCOMPARE(readFile(out + "/scripts/failover1/exec1/start.sh"),
                 QByteArray("#!/bin/sh\necho started\nexit 0\n"));
        const QString golden = kGoldenDir + "/properties.clp.conf";
        if (qEnvironmentVariableIsSet("LIFELINE_UPDATE_GOLDEN"))
            QVERIFY(writeFile(golden, readFile(out + "/clp.conf")));
        QCOMPARE(QString::fromUtf8(readFile(out + "/clp.conf")), QString::fromUtf8(readFile(golden)));
    }

    // An invalid value: clpcfchk's own message on the page, OK and Apply disabled.
    void invalidValueDisablesOk() {
        QTemporaryDir tmp;
        auto w = open(wizardDir(tmp));
        auto fip = properties(*w, Kind::Resource, "fip1");
        QVERIFY(ok(*fip)->isEnabled());
        type(child<QLineEdit>(fip.get(), "param:ip"), "203.0.113.5");
        const QString message =
            "error: group \"failover1\" / resource \"fip1\" / parameters/ip: 203.0.113.5 is not "
            "in the subnet of any LAN of server \"server2\" (198.19.0.12/24, 198.18.0.12/24), "
            "which can run group \"failover1\"";
        QVERIFY2(fip->validation()->messages().contains(message),
                 qPrintable(fip->validation()->messages().join('\n')));
        auto edited = *w->document();
        edited.setContent(fip->edited().config, fip->edited().scripts);
        QVERIFY(clpcfchk(edited).contains(message));
        QVERIFY(!ok(*fip)->isEnabled());
        QVERIFY(!child<QDialogButtonBox>(fip.get(), QString())
                     ->button(QDialogButtonBox::Apply)
                     ->isEnabled());
        screenshot(*fip, "properties-resource-invalid");
        fip->reject();
        QCOMPARE(model(*w).resource("fip1")->param("ip"), QString("198.18.0.100"));
        QVERIFY(!w->isWindowModified());

        auto monitor = properties(*w, Kind::Monitor, "diskw1");
        type(child<QLineEdit>(monitor.get(), "param:object"), "");
        QVERIFY(monitor->validation()->messages().contains(
            "error: monitor \"diskw1\" / parameters/object: required value is missing (Device "
            "to check.)"));
        QVERIFY(!ok(*monitor)->isEnabled());
        screenshot(*monitor, "properties-monitor-invalid");

        // A rename to a taken name is refused by clpcfchk's duplicate check too.
        auto group = properties(*w, Kind::Cluster, QString());
        child<QSpinBox>(group.get(), "heartbeatPort")->setValue(29001);
        QVERIFY2(!ok(*group)->isEnabled(), qPrintable(group->validation()->messages().join('\n')));
    }

    void addRenameDelete() {
        QTemporaryDir tmp;
        auto w = open(wizardDir(tmp));
        QString error;
        auto* editor = w->editor();
        QVERIFY2(editor->add(Kind::Server, "server3", &error), qPrintable(error));
        QVERIFY(model(*w).server("server3"));
        QVERIFY(!editor->add(Kind::Server, "server3", &error)); // taken
        QVERIFY(editor->add(Kind::Group, QString(), &error));
        QVERIFY(model(*w).group("failover2"));
        QVERIFY(w->select(Kind::Group, "failover2"));
        QVERIFY2(editor->add(Kind::Resource, "exec", &error), qPrintable(error));
        QCOMPARE(model(*w).group("failover2")->resourceRefs, QStringList{"exec@exec2"});
        QVERIFY(editor->add(Kind::Monitor, "pidw", &error));
        QVERIFY(model(*w).monitor("pidw1"));

        // Renames follow into references (and the scripts folder).
        QVERIFY2(editor->rename(Kind::Resource, "fip1", "vip-web", &error), qPrintable(error));
        QCOMPARE(model(*w).resource("disk1")->depends, QStringList{"vip-web"});
        QCOMPARE(model(*w).group("failover1")->resourceRefs.first(), QString("fip@vip-web"));
        QCOMPARE(model(*w).monitor("fipw1")->target, QString("vip-web"));
        QCOMPARE(model(*w).monitor("fipw1")->relationName, QString("vip-web"));
        QVERIFY(editor->rename(Kind::Group, "failover1", "web", &error));
        QCOMPARE(model(*w).monitor("diskw1")->relationName, QString("web"));
        QVERIFY(w->document()->scripts().first().path.startsWith("web/exec1/"));
        QVERIFY(editor->rename(Kind::Server, "server1", "node1", &error));
        QCOMPARE(model(*w).group("web")->policy, QStringList({"server2", "node1"}));
        QVERIFY(!editor->rename(Kind::Monitor, "userw", "fipw1", &error)); // taken
        QVERIFY2(error.contains("\"userw\""), qPrintable(error));

        // F2 in the tree renames the selected object.
        QVERIFY(w->select(Kind::Monitor, "pidw1"));
        activate(*w);
        answerNextInput("pidw-app");
        QTest::keyClick(w->tree(), Qt::Key_F2);
        QVERIFY(model(*w).monitor("pidw-app"));

        // Deleting what is referred to asks, and says what refers to it.
        QVERIFY(w->select(Kind::Resource, "disk1"));
        QString question;
        activate(*w);
        answerNext(QMessageBox::No, &question);
        QTest::keyClick(w->tree(), Qt::Key_Delete);
        QVERIFY(model(*w).resource("disk1"));
        QVERIFY2(question.contains("group \"web\" / resource \"exec1\" depends on it"),
                 qPrintable(question));
        activate(*w);
        answerNext(QMessageBox::Yes);
        QTest::keyClick(w->tree(), Qt::Key_Delete);
        QVERIFY(!model(*w).resource("disk1"));
        QVERIFY(model(*w).resource("exec1")->depends.isEmpty());
        QVERIFY(!model(*w).group("web")->resourceRefs.contains("disk@disk1"));
        // Nothing refers to a monitor: no question.
        QVERIFY(w->select(Kind::Monitor, "pidw-app"));
        activate(*w);
        QTest::keyClick(w->tree(), Qt::Key_Delete);
        QVERIFY(!model(*w).monitor("pidw-app"));
        // A group takes its resources and their scripts with it.
        answerNext(QMessageBox::Yes);
        QVERIFY(editor->remove(Kind::Group, "web"));
        QVERIFY(!model(*w).resource("exec1"));
        QVERIFY(w->document()->scripts().isEmpty());
        QCOMPARE(model(*w).monitor("diskw1")->relationType, QString("cls"));
        screenshot(*w, "main-window-after-delete");
    }

    // Interconnects and NP resolutions are added and deleted from the tree too: a route's
    // devices go with it from every server (unless another route uses them), and undo
    // gives the opened bytes back.
    void addRemoveRoutes() {
        QTemporaryDir tmp;
        auto w = open(wizardDir(tmp));
        QString error;
        QVERIFY2(w->saveTo(tmp.filePath("original"), &error), qPrintable(error));
        const QByteArray original = readFile(tmp.filePath("original/clp.conf"));
        auto* editor = w->editor();
        QVERIFY(!editor->add(Kind::Heartbeat, "bmchb", &error)); // not supported
        QVERIFY2(error.contains("\"bmchb\""), qPrintable(error));
        QVERIFY2(editor->add(Kind::Heartbeat, "lanhb", &error), qPrintable(error));
        const auto* added = model(*w).heartbeat("lanhb2");
        QVERIFY(added);
        QCOMPARE(added->deviceId, 2); // lan 0 and 1 are taken
        QCOMPARE(added->priority, 3); // after lankhb1, lanhb1, diskhb1
        QVERIFY(w->select(Kind::Heartbeat, "lanhb2"));
        QVERIFY2(editor->add(Kind::NpResource, "pingnp", &error), qPrintable(error));
        QCOMPARE(model(*w).npResources.last().name, QString("pingnp2"));
        QCOMPARE(model(*w).npResources.last().deviceId, 10201);
        for (const auto& s : model(*w).servers)
            QCOMPARE(s.device(10201)->type, QString("ping"));

        // Del on a route the servers have a device for asks, naming the devices.
        QVERIFY(w->select(Kind::Heartbeat, "lanhb1"));
        QString question;
        activate(*w);
        answerNext(QMessageBox::Yes, &question);
        QTest::keyClick(w->tree(), Qt::Key_Delete);
        QVERIFY(!model(*w).heartbeat("lanhb1"));
        QVERIFY2(question.contains("server \"server2\" / device 1 is on it"), qPrintable(question));
        for (const auto& s : model(*w).servers) {
            QVERIFY(!s.device(1));
            QVERIFY(s.device(0)); // lankhb1's
        }
        QVERIFY(editor->remove(Kind::NpResource, "pingnp1", false));
        QCOMPARE(model(*w).npResources.size(), 1);
        QVERIFY(!model(*w).servers.first().device(10200));
        screenshot(*w, "main-window-routes");

        while (editor->undoStack()->canUndo())
            editor->undoStack()->undo();
        QVERIFY2(w->saveTo(tmp.filePath("undone"), &error), qPrintable(error));
        QCOMPARE(readFile(tmp.filePath("undone/clp.conf")), original);
    }

    // Undo goes back to the opened model: the save is the original save, byte for byte.
    void undoToOriginalBytes_data() {
        QTest::addColumn<QString>("file");
        QTest::newRow("wizard") << QString();
        for (const auto& f : QDir(kSamples).entryList({"*.conf"}, QDir::Files, QDir::Name))
            QTest::newRow(qPrintable(f)) << f;
    }
    void undoToOriginalBytes() {
        QFETCH(QString, file);
        QTemporaryDir tmp;
        QString dir = wizardDir(tmp);
        if (!file.isEmpty())
            writeFile(dir + "/clp.conf", readFile(kSamples + "/" + file));
        auto w = open(dir);
        QString error;
        QVERIFY2(w->saveTo(tmp.filePath("original"), &error), qPrintable(error));
        const QByteArray original = readFile(tmp.filePath("original/clp.conf"));
        const auto& c = model(*w);
        QVERIFY(!c.groups.isEmpty() && !c.servers.isEmpty());
        QVERIFY(w->editor()->rename(Kind::Group, c.groups.last().name, "renamed", &error));
        QVERIFY(w->editor()->rename(Kind::Server, c.servers.first().name, "renamed-server", &error));
        QVERIFY(w->editor()->add(Kind::Monitor, "diskw", &error));
        QVERIFY(w->select(Kind::Server, "renamed-server"));
        auto server = properties(*w, Kind::Server, "renamed-server");
        type(child<QLineEdit>(server.get(), "propertyComment"), "changed");
        ok(*server)->click();
        if (!c.resources.isEmpty())
            QVERIFY(w->editor()->remove(Kind::Resource, c.resources.first().name, false));
        QVERIFY(w->isWindowModified());
        QVERIFY2(w->saveTo(tmp.filePath("edited"), &error), qPrintable(error));
        const QByteArray edited = readFile(tmp.filePath("edited/clp.conf"));
        QVERIFY(edited != original);
        QVERIFY(!w->isWindowModified());

        auto* stack = w->editor()->undoStack();
        activate(*w);
        QTest::keyClick(w.get(), Qt::Key_Z, Qt::ControlModifier); // Edit → Undo
        QVERIFY(w->isWindowModified());                           // not the saved state
        while (stack->canUndo())
            stack->undo();
        QVERIFY(w->isWindowModified());
        QVERIFY2(w->saveTo(tmp.filePath("undone"), &error), qPrintable(error));
        QCOMPARE(readFile(tmp.filePath("undone/clp.conf")), original);
        QCOMPARE(readFile(tmp.filePath("undone/scripts/failover1/exec1/start.sh")),
                 readFile(tmp.filePath("original/scripts/failover1/exec1/start.sh")));
        activate(*w);
        for (int i = 0; i < 10 && stack->canRedo(); ++i) // Edit → Redo
            QTest::keyClick(w.get(), Qt::Key_Z, Qt::ControlModifier | Qt::ShiftModifier);
        QVERIFY(!stack->canRedo());
        QVERIFY2(w->saveTo(tmp.filePath("redone"), &error), qPrintable(error));
        QCOMPARE(readFile(tmp.filePath("redone/clp.conf")), edited);
    }

    // The dirty marker is the undo stack's clean state.
    void dirtyMarkerFollowsUndo() {
        QTemporaryDir tmp;
        auto w = open(wizardDir(tmp));
        QString error;
        QVERIFY(!w->isWindowModified());
        QVERIFY(w->editor()->add(Kind::Group, QString(), &error));
        QVERIFY(w->isWindowModified());
        QVERIFY(w->windowTitle().contains("[*]"));
        w->editor()->undoStack()->undo();
        QVERIFY(!w->isWindowModified());
        w->editor()->undoStack()->redo();
        QVERIFY(w->isWindowModified());
    }

    // Export: the same files, LF for Linux and CRLF for Windows, compared byte-wise.
    void exportLineEndings() {
        QTemporaryDir tmp;
        const QString in = wizardDir(tmp);
        // A file saved on Windows opens, and still exports for Linux with LF only.
        writeFile(in + "/clp.conf", readFile(in + "/clp.conf").replace("\n", "\r\n"));
        auto w = open(in);
        QString error;
        const QString linux = tmp.filePath("linux"), windows = tmp.filePath("windows");
        QVERIFY2(w->exportTo(linux, config::ConfigPackage::Format::Linux, &error),
                 qPrintable(error));
        QVERIFY2(w->exportTo(windows, config::ConfigPackage::Format::Windows, &error),
                 qPrintable(error));
        QCOMPARE(w->document()->directory(), in); // still saved where it was opened
        for (const char* f : {"/clp.conf", "/scripts/failover1/exec1/start.sh",
                              "/scripts/failover1/exec1/stop.sh"}) {
            const QByteArray lf = readFile(linux + f);
            const QByteArray crlf = readFile(windows + f);
            QVERIFY2(!lf.isEmpty() && !lf.contains('\r'), f);
            QVERIFY2(crlf.count("\r\n") == crlf.count('\n') && crlf.count('\n') > 1, f);
            QCOMPARE(QByteArray(crlf).replace("\r\n", "\n"), lf);
        }
        QCOMPARE(readFile(linux + "/scripts/failover1/exec1/start.sh"),
                 QByteArray("#!/bin/sh\necho start\nexit 0\n"));
        QCOMPARE(readFile(windows + "/scripts/failover1/exec1/start.sh"),
                 QByteArray("#!/bin/sh\r\necho start\r\nexit 0\r\n"));
        // What clpcfctrl --push -w reads back is the Linux export.
        auto back = config::ConfigPackage::readDirectory(windows, &error);
        QVERIFY2(back, qPrintable(error));
        const auto converted = back->fromFormat(config::ConfigPackage::Format::Windows);
        QCOMPARE(converted.conf, readFile(linux + "/clp.conf"));
    }
};

QTEST_MAIN(TestBuilderEdit)
#include "tst_builder_edit.moc"
