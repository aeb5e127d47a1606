// Open and save in the Builder: the six real clp.conf samples open (folder with
// clp.conf + scripts/), show in the tree and property view, and survive a save and
// reopen unchanged (elements Lifeline does not model included); a save keeps
// clp.conf.bak; the title marks unsaved changes and closing asks first.

#include "BuilderDocument.h"
#include "BuilderTestUtil.h"
#include "ClusterWizard.h"
#include "ConfigTreeModel.h"
#include "DomCompare.h"
#include "MainWindow.h"
#include "PropertyView.h"
#include "ValidationLabel.h"
#include "XmlPath.h"

#include <QAbstractButton>
#include <QApplication>
#include <QDir>
#include <QFile>
#include <QMessageBox>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>
#include <QTreeView>

using namespace lifeline;
using namespace lifeline::builder;
using buildertest::readFile;
using buildertest::writeFile;

namespace {

const QString kSamples = QStringLiteral(LIFELINE_SHARED_DIR "/clpconf-samples");

// A sample as the Builder finds it on disk: DIR/clp.conf and a script.
QString sampleDir(const QTemporaryDir& tmp, const QString& file) {
    const QString dir = tmp.filePath("in");
    writeFile(dir + "/clp.conf", readFile(kSamples + "/" + file));
    writeFile(dir + "/scripts/failover1/exec1/start.sh", "#!/bin/sh\nexit 0\n");
    return dir;
}

int childCount(ConfigTreeModel* model, const QString& folder) {
    const auto cluster = model->item(0);
    for (int i = 0; i < cluster->rowCount(); ++i)
        if (cluster->child(i)->text() == folder)
            return cluster->child(i)->rowCount();
    return -1;
}

// Answers the next modal question box with `button`.
void answerNextQuestion(QMessageBox::StandardButton button) {
    QTimer::singleShot(0, [button] {
        auto* box = qobject_cast<QMessageBox*>(QApplication::activeModalWidget());
        if (box)
            box->button(button)->click();
    });
}

} // namespace

class TestBuilderFiles : public QObject {
    Q_OBJECT
private slots:
    void initTestCase() {
        if (!QDir(kSamples).exists())
            QSKIP("shared/clpconf-samples is not beside this checkout (set LIFELINE_SHARED_DIR)");
    }

    void sampleRoundTrip_data() {
        QTest::addColumn<QString>("file");
        const auto files = QDir(kSamples).entryList({"*.conf"}, QDir::Files, QDir::Name);
        QCOMPARE(files.size(), 6);
        for (const auto& f : files)
            QTest::newRow(qPrintable(f)) << f;
    }

    void sampleRoundTrip() {
        QFETCH(QString, file);
        QTemporaryDir tmp;
        const QString in = sampleDir(tmp, file);
        QString error;
        auto opened = BuilderDocument::open(in, &error);
        QVERIFY2(opened, qPrintable(error));
        QCOMPARE(opened->directory(), in);
        const QString before = testutil::canonical(opened->document().dom());
        const QStringList findings = opened->check().texts();

        const QString out = tmp.filePath("out");
        QVERIFY2(opened->save(out, &error), qPrintable(error));
        auto again = BuilderDocument::open(out, &error);
        QVERIFY2(again, qPrintable(error));
        QCOMPARE(testutil::canonical(again->document().dom()), before);
        QCOMPARE(again->check().texts(), findings);
        QCOMPARE(again->config().servers.size(), opened->config().servers.size());
        QCOMPARE(again->config().resources.size(), opened->config().resources.size());
        QCOMPARE(again->document().charset(), opened->document().charset());
        QCOMPARE(readFile(out + "/scripts/failover1/exec1/start.sh"),
                 QByteArray("#!/bin/sh\nexit 0\n"));
        QVERIFY(!QFile::exists(out + "/clp.conf.bak")); // nothing was there before

        // Shown in the main window: tree and properties.
        MainWindow window;
        QVERIFY2(window.openDirectory(out, &error), qPrintable(error));
        QVERIFY(!window.isWindowModified());
        QVERIFY(window.windowTitle().startsWith(out));
        const auto& config = window.document()->config();
        QCOMPARE(window.treeModel()->item(0)->text(), config.cluster.name);
        QCOMPARE(childCount(window.treeModel(), "Servers"), int(config.servers.size()));
        QCOMPARE(childCount(window.treeModel(), "Groups"), int(config.groups.size()));
        QCOMPARE(childCount(window.treeModel(), "Monitors"), int(config.monitors.size()));
        QCOMPARE(window.findings()->messages(), findings);
        const auto servers = window.treeModel()->item(0)->child(0);
        window.tree()->setCurrentIndex(servers->child(0)->index());
        QCOMPARE(window.properties()->value("priority"),
                 QString::number(config.serversByPriority().first().priority));
    }

    // Elements Lifeline does not model survive, and the previous file is kept.
    void unknownElementsAndBackup() {
        QTemporaryDir tmp;
        const QString in = sampleDir(tmp, "ecx-createcluster-v1-linux-lvm-volmgr.clp.conf");
        const QByteArray original = readFile(in + "/clp.conf");
        QString error;
        auto doc = BuilderDocument::open(in, &error);
        QVERIFY2(doc, qPrintable(error));
        QVERIFY2(doc->save(in, &error), qPrintable(error));
        QCOMPARE(readFile(in + "/clp.conf.bak"), original);
        auto again = BuilderDocument::open(in, &error);
        QVERIFY(again);
        QCOMPARE(config::xml::child(again->document().root(), "pm/exec1/recover").text(),
                 QString("7"));
        QCOMPARE(
            config::xml::child(again->document().root(), "cluster/rsctimeout/rsctoaction").text(),
            QString("0"));
    }

    void openRefusesWhatIsNotAConfiguration() {
        QTemporaryDir tmp;
        QString error;
        QVERIFY(!BuilderDocument::open(tmp.path(), &error));
        QVERIFY2(error.contains("clp.conf: cannot open"), qPrintable(error));
        writeFile(tmp.filePath("clp.conf"), "<root><cluster>");
        QVERIFY(!BuilderDocument::open(tmp.path(), &error));
        QVERIFY2(error.contains("line"), qPrintable(error));
    }

    // clpbuilder DIR: a folder without clp.conf is refused before any window opens.
    void commandRefusesAMissingConfiguration() {
        QTemporaryDir tmp;
        QProcess p;
        p.setProcessEnvironment(QProcessEnvironment::systemEnvironment());
        p.start(LIFELINE_BINARY_DIR "/builder/clpbuilder", {tmp.path()});
        QVERIFY(p.waitForFinished(60000));
        QCOMPARE(p.exitCode(), 2);
        QVERIFY2(p.readAllStandardError().contains("clp.conf: cannot open"), "no reason given");
    }

    void dirtyMarkerAndCloseConfirmation() {
        MainWindow window;
        window.show();
        QVERIFY(!window.isWindowModified());
        ClusterWizard wizard;
        wizard.draft().cluster.name = "cluster1";
        window.setNewConfiguration(BuilderDocument::create(wizard.draft(), wizard.scripts()));
        QVERIFY(window.isWindowModified());
        QVERIFY(window.windowTitle().contains("cluster1 (not saved)[*]"));
        answerNextQuestion(QMessageBox::Cancel);
        QVERIFY(!window.close());
        QVERIFY(window.isVisible());
        answerNextQuestion(QMessageBox::Discard);
        QVERIFY(window.close());
    }
};

QTEST_MAIN(TestBuilderFiles)
#include "tst_builder_files.moc"
