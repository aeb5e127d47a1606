// The Builder's side of a running cluster (issue 10, part 3): File → Get Configuration,
// File → Apply Configuration and "Discover…" against the real lifeline-webmgr (HTTPS with
// its self-signed certificate) in front of a fake lifelined: a ControlServer in this process
// answering config.pull, config.push and devices as PROTOCOL.md says. The scenario test
// test_webmanager_config.py covers the same endpoints with a real cluster.

#include "ApplyDialog.h"
#include "ClusterWizard.h"
#include "BuilderTestUtil.h"
#include "DiscoveryDialog.h"
#include "GetDialog.h"
#include "InterconnectPropertyPage.h"
#include "RemoteCluster.h"
#include "RemoteClusterForm.h"
#include "ServerPropertyPage.h"

#include "ConfigReader.h"

#include "ControlServer.h"

#include <QAction>
#include <QApplication>
#include <QElapsedTimer>
#include <QFile>
#include <QJsonArray>
#include <QLabel>
#include <QListWidget>
#include <QPlainTextEdit>
#include <QProcess>
#include <QPushButton>
#include <QSettings>
#include <QSignalSpy>
#include <QSslCertificate>
#include <QStandardPaths>
#include <QTableWidget>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>

#include <functional>

using namespace lifeline;
using namespace lifeline::builder;
using buildertest::child;

namespace {

const QByteArray kPassword = "op-Secret-1";

QByteArray readFile(const QString& path) {
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

} // namespace

class TstBuilderRemote : public QObject {
    Q_OBJECT
    QTemporaryDir root_;
    control::ControlServer lifelined_;
    QProcess webmgr_;
    quint16 port_ = 0;
    QByteArray conf_;
    QList<QJsonObject> pushes_;   // what config.push received
    QJsonObject pushAnswer_;      // what it answers

    QString url() const { return QStringLiteral("https://127.0.0.1:%1").arg(port_); }

    template <class Dialog> void fill(Dialog& d, const QString& password = QString::fromLatin1(kPassword)) {
        d.form()->urlEdit()->setText(url());
        d.form()->userEdit()->setText(QStringLiteral("operator"));
        d.form()->passwordEdit()->setText(password);
    }

    // Runs `open` (which shows a DiscoveryDialog modally) and accepts its first row once
    // listed; after 20 s without rows it cancels, and the caller's comparison fails.
    void pickFirst(const std::function<void()>& open) {
        QTimer picker;
        QElapsedTimer waited;
        waited.start();
        connect(&picker, &QTimer::timeout, [&waited] {
            auto* d = qobject_cast<DiscoveryDialog*>(QApplication::activeModalWidget());
            if (d && d->table()->rowCount() > 0)
                d->accept();
            else if (d && waited.elapsed() > 20000)
                d->reject();
        });
        picker.start(20);
        open();
    }

private slots:
    void initTestCase() {
        QStandardPaths::setTestModeEnabled(true); // QSettings (trusted certificates) apart
        QCoreApplication::setOrganizationName(QStringLiteral("LifelineTest"));
        QSettings().clear();
        QVERIFY(root_.isValid());
        conf_ = readFile(QStringLiteral(LIFELINE_SOURCE_DIR "/tests/unit/builder/golden/wizard.clp.conf"));
        QVERIFY(!conf_.isEmpty());
        const QString etc = root_.filePath(QStringLiteral("etc/lifeline"));
        QVERIFY(QDir().mkpath(etc));
        QFile conf(etc + QStringLiteral("/clp.conf"));
        QVERIFY(conf.open(QIODevice::WriteOnly));
        conf.write(conf_);
        conf.close();
        const QString program = QStringLiteral(LIFELINE_BINARY_DIR "/webmanager/lifeline-webmgr");
        QProcess set;
        set.start(program, {"--root", root_.path(), "--set-password", "operator"});
        set.write(kPassword + '\n');
        set.closeWriteChannel();
        QVERIFY(set.waitForFinished(60000));
        QCOMPARE(set.exitCode(), 0);

        // The fake lifelined.
        lifelined_.registerCommand(QStringLiteral("config.pull"), control::Access::Write,
                                   [this](const control::Request&, control::Responder r) {
                                       r.reply({{"conf", QString::fromLatin1(conf_.toBase64())},
                                                {"scripts", QJsonArray{QJsonObject{
                                                                {"path", "failover1/exec1/start.sh"},
                                                                {"mode", 493},
                                                                {"data", QString::fromLatin1(QByteArray("#!/bin/sh\nexit 0\n").toBase64())}}}},
                                                {"hash", "abc"}});
                                   });
        lifelined_.registerCommand(QStringLiteral("config.push"), control::Access::Write,
                                   [this](const control::Request& request, control::Responder r) {
                                       pushes_ << request.args;
                                       r.reply(pushAnswer_);
                                   });
        lifelined_.registerCommand(QStringLiteral("status"), control::Access::Read,
                                   [](const control::Request&, control::Responder r) {
                                       r.reply({{"local", "server1"},
                                                {"servers", QJsonArray{QJsonObject{{"name", "server1"}},
                                                                       QJsonObject{{"name", "server2"}}}}});
                                   });
        lifelined_.registerCommand(
            QStringLiteral("devices"), control::Access::Read, [](const control::Request& request, control::Responder r) {
                r.reply({{"server", request.args.value("server")},
                         {"nics", QJsonArray{QJsonObject{{"name", "lo"}, {"mac", "00:00:00:00:00:00"}, {"up", true},
                                                         {"loopback", true}, {"addresses", QJsonArray{"127.0.0.1/8"}}},
                                             QJsonObject{{"name", "pub0"}, {"mac", "02:00:00:00:00:11"}, {"up", true},
                                                         {"loopback", false},
                                                         {"addresses", QJsonArray{"198.18.0.11/24", "fe80::1/64"}}}}},
                         {"disks", QJsonArray{QJsonObject{{"name", "loop7"}, {"node", "/dev/loop7"}, {"size", 67108864},
                                                          {"type", "disk"}, {"fsType", "ext4"}, {"label", "shared"},
                                                          {"uuid", "1234-abcd"}}}}});
            });
        QString why;
        QVERIFY2(lifelined_.listen(root_.path(), &why), qPrintable(why));

        {
            QTcpServer probe;
            QVERIFY(probe.listen(QHostAddress::LocalHost));
            port_ = probe.serverPort();
        }
        webmgr_.setProcessChannelMode(QProcess::ForwardedChannels);
        webmgr_.start(program, {"--root", root_.path(), "--node", "server1", "--listen", "127.0.0.1",
                                "--port", QString::number(port_)});
        QVERIFY(webmgr_.waitForStarted());
        QTRY_VERIFY_WITH_TIMEOUT(
            [this] {
                QTcpSocket s;
                s.connectToHost(QHostAddress::LocalHost, port_);
                return s.waitForConnected(100);
            }(),
            30000);
    }

    void cleanupTestCase() {
        webmgr_.terminate();
        webmgr_.waitForFinished(10000);
    }

    // An unknown certificate fails with its fingerprint (the one in server.crt); once
    // trusted, Get opens the cluster's configuration with its scripts.
    void getConfiguration() {
        auto& cluster = RemoteCluster::shared();
        cluster.setEndpoint(url(), QStringLiteral("operator"), QString::fromLatin1(kPassword));
        RemoteCluster::Answer first;
        bool done = false;
        cluster.servers([&](const RemoteCluster::Answer& a) { first = a, done = true; });
        QTRY_VERIFY_WITH_TIMEOUT(done, 20000);
        const auto certs = QSslCertificate::fromPath(root_.filePath(QStringLiteral("etc/lifeline/webmgr/server.crt")));
        QCOMPARE(certs.size(), 1);
        QCOMPARE(first.untrusted, certs.first().digest(QCryptographicHash::Sha256).toHex());
        QVERIFY2(first.message.contains(url()) && first.message.contains(QStringLiteral("not trusted")) &&
                     first.message.contains(RemoteCluster::formatFingerprint(first.untrusted)),
                 qPrintable(first.message));
        cluster.trust(first.untrusted);

        GetDialog dialog;
        fill(dialog);
        dialog.show();
        QSignalSpy accepted(&dialog, &QDialog::accepted);
        QTest::mouseClick(dialog.getButton(), Qt::LeftButton);
        QTRY_COMPARE_WITH_TIMEOUT(accepted.size(), 1, 20000);
        QVERIFY(dialog.result());
        QCOMPARE(dialog.result()->config().cluster.name, QStringLiteral("cluster1"));
        QCOMPARE(dialog.result()->scripts().size(), 1);
        QCOMPARE(dialog.result()->scripts().first().path, QStringLiteral("failover1/exec1/start.sh"));
        QVERIFY(dialog.result()->directory().isEmpty()); // saved nowhere yet
    }

    // A wrong password and a port nobody listens on: the message names the URL and says why.
    void errorsNameTheUrl() {
        GetDialog dialog;
        fill(dialog, QStringLiteral("wrong"));
        dialog.show();
        QTest::mouseClick(dialog.getButton(), Qt::LeftButton);
        auto* status = dialog.form()->statusLabel();
        QTRY_VERIFY_WITH_TIMEOUT(status->text().contains(QStringLiteral("refused")), 20000);
        QVERIFY2(status->text().startsWith(url() + QStringLiteral("/api/v1/configuration")), qPrintable(status->text()));
        QVERIFY(!dialog.result());

        auto& cluster = RemoteCluster::shared();
        cluster.setEndpoint(QStringLiteral("https://127.0.0.1:1"), QStringLiteral("operator"), QStringLiteral("x"));
        RemoteCluster::Answer a;
        bool done = false;
        cluster.devices(QStringLiteral("server1"), [&](const RemoteCluster::Answer& r) { a = r, done = true; });
        QTRY_VERIFY_WITH_TIMEOUT(done, 20000);
        QVERIFY(!a.ok);
        QVERIFY2(a.message.startsWith(QStringLiteral("https://127.0.0.1:1/api/v1/servers/server1/devices: ")),
                 qPrintable(a.message));
        QVERIFY2(a.message.contains(QStringLiteral("refused")), qPrintable(a.message));
    }

    // Apply: the cluster's refusal (the operation the change needs) and then the upload, in
    // clpcfctrl's words, with the package as the document would be saved.
    void applyConfiguration() {
        config::ConfigPackage package{conf_, {{QStringLiteral("a/start.sh"), "#!/bin/sh\n", 0755}}};
        ApplyDialog dialog(package);
        fill(dialog);
        dialog.show();
        QSignalSpy answered(&dialog, &ApplyDialog::answered);
        pushAnswer_ = {{"uploaded", false},
                       {"reason", "state"},
                       {"message", "To apply the changes you made, suspend the cluster."},
                       {"operation", "suspend-cluster"},
                       {"servers", QJsonArray{QJsonObject{{"name", "server1"}, {"staged", true}, {"committed", false}},
                                              QJsonObject{{"name", "server2"}, {"staged", true}, {"committed", false}}}}};
        QTest::mouseClick(dialog.applyButton(), Qt::LeftButton);
        QTRY_COMPARE_WITH_TIMEOUT(answered.size(), 1, 20000);
        QCOMPARE(answered.first().first().toBool(), false);
        QCOMPARE(dialog.operation(), QStringLiteral("suspend-cluster"));
        QCOMPARE(dialog.output()->toPlainText(),
                 QStringLiteral("server1: staged, cancelled\nserver2: staged, cancelled\n"
                                "To apply the changes you made, suspend the cluster.\nCommand failed."));
        QVERIFY(dialog.form()->statusLabel()->text().contains(QStringLiteral("suspend-cluster")));
        QCOMPARE(pushes_.size(), 1);
        QCOMPARE(pushes_.first(), package.toJson());

        pushAnswer_ = {{"uploaded", true}, {"reason", ""}, {"operation", "suspend-cluster"},
                       {"afterUpload", ""}, {"servers", QJsonArray{QJsonObject{{"name", "server1"}, {"staged", true}, {"committed", true}}}}};
        QTest::mouseClick(dialog.applyButton(), Qt::LeftButton);
        QTRY_COMPARE_WITH_TIMEOUT(answered.size(), 2, 20000);
        QVERIFY(dialog.uploaded());
        QCOMPARE(dialog.output()->toPlainText(),
                 QStringLiteral("server1: staged, committed\nThe upload is completed successfully.(cfmgr:0)\n"
                                "Command succeeded.(code:0)"));
    }

    // Discover…: a server's disks and (non-loopback, IPv4) addresses to pick from.
    void discover() {
        RemoteCluster::shared().setEndpoint(url(), QStringLiteral("operator"), QString::fromLatin1(kPassword));
        DiscoveryDialog disks(DiscoveryDialog::Kind::Disk, {QStringLiteral("server1"), QStringLiteral("server2")},
                              QStringLiteral("server2"));
        QSignalSpy listed(&disks, &DiscoveryDialog::listed);
        QTRY_COMPARE_WITH_TIMEOUT(listed.size(), 1, 20000);
        QCOMPARE(disks.table()->rowCount(), 1);
        QCOMPARE(disks.selectedValue(), QStringLiteral("/dev/loop7"));
        QVERIFY2(disks.statusLabel()->text().contains(QStringLiteral("server2")), qPrintable(disks.statusLabel()->text()));

        DiscoveryDialog nics(DiscoveryDialog::Kind::AddressAndPrefix, {QStringLiteral("server1")}, {});
        QSignalSpy nicsListed(&nics, &DiscoveryDialog::listed);
        QTRY_COMPARE_WITH_TIMEOUT(nicsListed.size(), 1, 20000);
        QCOMPARE(nics.table()->rowCount(), 1);
        QCOMPARE(nics.selectedValue(), QStringLiteral("198.18.0.11/24"));

        // The button beside a field puts the picked value into it.
        QLineEdit edit;
        DiscoveryDialog::attach(&edit, DiscoveryDialog::Kind::Address);
        auto* action = child<QAction>(&edit, QStringLiteral("discoverAction"));
        // The modal dialog asks for the cluster's servers first (GET /api/v1/servers).
        pickFirst([action] { action->trigger(); });
        QCOMPARE(edit.text(), QStringLiteral("198.18.0.11"));
    }

    // "Discover…" beside a server's devices and an interconnect's cells: disabled, saying
    // why, without a WebManager; with one, it fills the selected cell with the address the
    // server has, and the page stores it.
    void discoverFillsAddresses() {
        const auto loaded = config::loadConfig(QStringLiteral(LIFELINE_SOURCE_DIR "/tests/unit/builder/golden/wizard.clp.conf"));
        RemoteCluster::shared().setEndpoint(QString(), QString(), QString());
        ServerPropertyPage server(QStringLiteral("server1"));
        server.load(loaded.config, {});
        auto* serverButton = child<QPushButton>(&server, QStringLiteral("discoverServerDevice"));
        QVERIFY(!serverButton->isEnabled());
        QVERIFY2(serverButton->toolTip().contains(QStringLiteral("needs a WebManager")), qPrintable(serverButton->toolTip()));

        RemoteCluster::shared().setEndpoint(url(), QStringLiteral("operator"), QString::fromLatin1(kPassword));
        QVERIFY(serverButton->isEnabled());
        auto* devices = child<QTableWidget>(&server, QStringLiteral("serverDevices"));
        devices->setCurrentCell(0, 2); // device 0, lan 198.19.0.11/24
        pickFirst([serverButton] { serverButton->click(); });
        QCOMPARE(devices->item(0, 2)->text(), QStringLiteral("198.18.0.11"));
        auto edited = loaded.config;
        Scripts scripts;
        server.store(edited, scripts);
        QCOMPARE(edited.server(QStringLiteral("server1"))->device(0)->info, QStringLiteral("198.18.0.11"));

        InterconnectPropertyPage route(QStringLiteral("lankhb1"));
        route.load(loaded.config, {});
        auto* cells = child<QTableWidget>(&route, QStringLiteral("heartbeatServers"));
        cells->setCurrentCell(1, 1); // server2
        pickFirst([&route] { child<QPushButton>(&route, QStringLiteral("discoverHeartbeatDevice"))->click(); });
        QCOMPARE(cells->item(1, 1)->text(), QStringLiteral("198.18.0.11"));
        edited = loaded.config;
        route.store(edited, scripts);
        QCOMPARE(edited.server(QStringLiteral("server2"))->device(0)->info, QStringLiteral("198.18.0.11"));
    }

    // The wizard's servers page (a server's public address) and interconnect table.
    void discoverInWizard() {
        RemoteCluster::shared().setEndpoint(url(), QStringLiteral("operator"), QString::fromLatin1(kPassword));
        ClusterWizard w;
        w.show();
        buildertest::type(child<QLineEdit>(&w, QStringLiteral("clusterName")), QStringLiteral("cluster1"));
        w.button(QWizard::NextButton)->click();
        QCOMPARE(w.currentId(), int(ClusterWizard::ServersPageId));
        auto* entry = child<QLineEdit>(&w, QStringLiteral("serverEntry"));
        for (const char* name : {"server1", "server2"}) {
            buildertest::type(entry, QString::fromLatin1(name));
            child<QPushButton>(&w, QStringLiteral("addServer"))->click();
        }
        child<QListWidget>(&w, QStringLiteral("serverList"))->setCurrentRow(0);
        pickFirst([&w] { child<QPushButton>(&w, QStringLiteral("discoverServerAddress"))->click(); });
        QCOMPARE(w.draft().server(QStringLiteral("server1"))->device(0)->info, QStringLiteral("198.18.0.11"));
        w.button(QWizard::NextButton)->click();
        QCOMPARE(w.currentId(), int(ClusterWizard::InterconnectPageId));
        auto* table = child<QTableWidget>(&w, QStringLiteral("routeTable"));
        QCOMPARE(table->item(0, 1)->text(), QStringLiteral("198.18.0.11")); // server1's address
        table->setCurrentCell(0, 2);
        pickFirst([&w] { child<QPushButton>(&w, QStringLiteral("discoverRouteAddress"))->click(); });
        QCOMPARE(table->item(0, 2)->text(), QStringLiteral("198.18.0.11"));
        QCOMPARE(w.draft().server(QStringLiteral("server2"))->device(0)->info, QStringLiteral("198.18.0.11"));
    }
};

QTEST_MAIN(TstBuilderRemote)
#include "tst_builder_remote.moc"
