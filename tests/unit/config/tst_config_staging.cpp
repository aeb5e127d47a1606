// The file side of clpcfctrl --push: a package read from and written to a directory,
// -l/-w line endings, the wire form and its path checks, and staging, commit,
// rollback and abort on one server's configuration directory.

#include "ConfigPackage.h"
#include "ConfigStaging.h"
#include "FileTree.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QTemporaryDir>
#include <QTest>

#include <sys/stat.h>

using namespace lifeline::config;

namespace {

void write(const QString& path, const QByteArray& data, int mode = 0644) {
    QDir().mkpath(QFileInfo(path).absolutePath());
    QFile f(path);
    QVERIFY(f.open(QIODevice::WriteOnly | QIODevice::Truncate));
    f.write(data);
    f.close();
    ::chmod(QFile::encodeName(path).constData(), mode_t(mode));
}

QByteArray read(const QString& path) {
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray("<missing>");
}

ConfigPackage package(const QByteArray& conf, const QList<ConfigPackage::File>& scripts) {
    ConfigPackage p;
    p.conf = conf;
    p.scripts = scripts;
    return p;
}

// A configuration directory holding `conf` and one script.
void install(const QString& dir, const QByteArray& conf, const QByteArray& script) {
    write(dir + "/clp.conf", conf);
    write(dir + "/scripts/g/e/start.sh", script, 0755);
}

} // namespace

class TestConfigStaging : public QObject {
    Q_OBJECT
private slots:
    void readsAndWritesADirectory() {
        QTemporaryDir tmp;
        const QString src = tmp.filePath("src");
        write(src + "/clp.conf", "<root/>\n");
        write(src + "/scripts/failover1/exec1/start.sh", "#!/bin/sh\nexit 0\n", 0755);
        write(src + "/scripts/monitor.s/genw1/genw.sh", "exit 0\n");
        QString error;
        const auto p = ConfigPackage::readDirectory(src, &error);
        QVERIFY2(p, qPrintable(error));
        QCOMPARE(p->conf, QByteArray("<root/>\n"));
        QCOMPARE(p->scripts.size(), 2);
        QCOMPARE(p->scripts[0].path, QString("failover1/exec1/start.sh"));
        QCOMPARE(p->scripts[0].mode, 0755);
        QCOMPARE(p->scripts[1].mode, 0644);

        const QString dst = tmp.filePath("dst");
        write(dst + "/scripts/stale.sh", "old"); // replaced, not merged
        QVERIFY2(p->writeDirectory(dst, &error), qPrintable(error));
        QCOMPARE(read(dst + "/clp.conf"), QByteArray("<root/>\n"));
        QCOMPARE(read(dst + "/scripts/failover1/exec1/start.sh"),
                 QByteArray("#!/bin/sh\nexit 0\n"));
        QVERIFY(QFileInfo(dst + "/scripts/failover1/exec1/start.sh").isExecutable());
        QVERIFY(!QFileInfo::exists(dst + "/scripts/stale.sh"));
        QVERIFY(!QFileInfo::exists(dst + "/.scripts.new"));
    }

    void missingConfIsAnError() {
        QTemporaryDir tmp;
        QString error;
        QVERIFY(!ConfigPackage::readDirectory(tmp.path(), &error));
        QVERIFY2(error.contains("clp.conf") && error.contains("cannot open"), qPrintable(error));
    }

    void windowsLineEndings() {
        const auto saved =
            package("<root>\r\n</root>\r\n", {{"a/start.sh", "#!/bin/sh\r\nexit 0\r\n", 0755}});
        const auto server = saved.fromFormat(ConfigPackage::Format::Windows);
        QCOMPARE(server.conf, QByteArray("<root>\n</root>\n"));
        QCOMPARE(server.scripts[0].data, QByteArray("#!/bin/sh\nexit 0\n"));
        QCOMPARE(saved.fromFormat(ConfigPackage::Format::Linux).conf, saved.conf); // -l: as is
        const auto back = server.toFormat(ConfigPackage::Format::Windows);
        QCOMPARE(back.conf, saved.conf);
        QCOMPARE(back.scripts[0].data, saved.scripts[0].data);
        QCOMPARE(server.toFormat(ConfigPackage::Format::Linux).conf, server.conf);
    }

    void wireFormRoundTripsAndRefusesUnsafePaths() {
        const auto p =
            package("<root/>", {{"g/r/start.sh", QByteArray("\x00\x01 binary", 9), 0755}});
        QString error;
        const auto back = ConfigPackage::fromJson(p.toJson(), &error);
        QVERIFY2(back, qPrintable(error));
        QCOMPARE(back->conf, p.conf);
        QCOMPARE(back->scripts[0].data, p.scripts[0].data);
        QCOMPARE(back->scripts[0].mode, 0755);
        for (const QString bad : {"/etc/passwd", "../x", "a/../../x", "a//b", "./a", ""}) {
            auto json = p.toJson();
            json["scripts"] = QJsonArray{QJsonObject{{"path", bad}, {"data", ""}}};
            QVERIFY2(!ConfigPackage::fromJson(json, &error), qPrintable(bad));
            QVERIFY(error.contains("relative path"));
        }
        auto json = p.toJson();
        json["scripts"] = QJsonArray{QJsonObject{{"path", "a"}, {"data", ""}},
                                     QJsonObject{{"path", "a/b"}, {"data", ""}}};
        QVERIFY(!ConfigPackage::fromJson(json, &error));
        json = p.toJson();
        json["conf"] = "not base64!";
        QVERIFY(!ConfigPackage::fromJson(json, &error));
    }

    void stageTouchesNothingInUse() {
        QTemporaryDir tmp;
        const QString dir = tmp.filePath("etc");
        install(dir, "old", "old script");
        ConfigStaging s(dir);
        QString error;
        QVERIFY2(s.stage("t1", package("new", {{"g/e/start.sh", "new script", 0755}}), &error),
                 qPrintable(error));
        QCOMPARE(s.stagedToken(), QString("t1"));
        QCOMPARE(read(dir + "/clp.conf"), QByteArray("old"));
        QCOMPARE(read(dir + "/scripts/g/e/start.sh"), QByteArray("old script"));
        QCOMPARE(read(s.stagedConfigFile()), QByteArray("new"));
        s.abort("other"); // another push's abort leaves this one
        QCOMPARE(s.stagedToken(), QString("t1"));
        s.abort("t1");
        QVERIFY(!QFileInfo::exists(s.stagingDir()));
        QCOMPARE(read(dir + "/clp.conf"), QByteArray("old"));
        QVERIFY(!s.commit("t1", &error)); // aborted: nothing to commit
        QVERIFY(error.contains("nothing is staged"));
    }

    void commitKeepsThePreviousAsBackup() {
        QTemporaryDir tmp;
        const QString dir = tmp.filePath("etc");
        install(dir, "old", "old script");
        ConfigStaging s(dir);
        QString error;
        QVERIFY(s.stage(
            "t1",
            package("new", {{"g/e/start.sh", "new script", 0755}, {"g/f/start.sh", "added", 0755}}),
            &error));
        QVERIFY(!s.commit("t2", &error)); // not the staged push
        QCOMPARE(read(dir + "/clp.conf"), QByteArray("old"));
        QVERIFY2(s.commit("t1", &error), qPrintable(error));
        QCOMPARE(read(dir + "/clp.conf"), QByteArray("new"));
        QCOMPARE(read(dir + "/clp.conf.bak"), QByteArray("old"));
        QCOMPARE(read(dir + "/scripts/g/e/start.sh"), QByteArray("new script"));
        QCOMPARE(read(dir + "/scripts/g/f/start.sh"), QByteArray("added"));
        QVERIFY(QFileInfo(dir + "/scripts/g/f/start.sh").isExecutable());
        QCOMPARE(read(dir + "/scripts.bak/g/e/start.sh"), QByteArray("old script"));
        QVERIFY(!QFileInfo::exists(s.stagingDir()));
        QCOMPARE(s.committedToken(), QString("t1"));
        QVERIFY2(s.commit("t1", &error), qPrintable(error)); // repeated: no-op
        QCOMPARE(read(dir + "/clp.conf.bak"), QByteArray("old"));
    }

    void rollbackRestoresThePrevious() {
        QTemporaryDir tmp;
        const QString dir = tmp.filePath("etc");
        install(dir, "old", "old script");
        write(dir + "/clp.conf.bak", "older");
        ConfigStaging s(dir);
        QString error;
        QVERIFY(s.stage("t1", package("new", {{"x/y/z.sh", "other", 0755}}), &error));
        QVERIFY(s.commit("t1", &error));
        QVERIFY2(s.rollback("t1", &error), qPrintable(error));
        QCOMPARE(read(dir + "/clp.conf"), QByteArray("old"));
        QCOMPARE(read(dir + "/scripts/g/e/start.sh"), QByteArray("old script"));
        QVERIFY(!QFileInfo::exists(dir + "/scripts/x"));
        QVERIFY(QFileInfo(dir + "/scripts/g/e/start.sh").isExecutable());
        QCOMPARE(s.committedToken(), QString());
        QVERIFY2(s.rollback("t1", &error), qPrintable(error)); // repeated: nothing to undo
        QCOMPARE(read(dir + "/clp.conf"), QByteArray("old"));
    }

    void rollbackOfAPushThatNeverCommittedChangesNothing() {
        QTemporaryDir tmp;
        const QString dir = tmp.filePath("etc");
        install(dir, "old", "old script");
        write(dir + "/clp.conf.bak", "older");
        ConfigStaging s(dir);
        QString error;
        QVERIFY(s.stage("t1", package("new", {}), &error));
        QVERIFY(s.rollback("t1", &error)); // e.g. another server failed before this one committed
        QCOMPARE(read(dir + "/clp.conf"), QByteArray("old")); // not the older .bak
        QVERIFY(!QFileInfo::exists(s.stagingDir()));
    }

    void firstPushToAnEmptyServerRollsBackToNothing() {
        QTemporaryDir tmp;
        const QString dir = tmp.filePath("etc");
        ConfigStaging s(dir);
        QString error;
        QVERIFY(s.stage("t1", package("new", {{"a.sh", "x", 0755}}), &error));
        QVERIFY(s.commit("t1", &error));
        QCOMPARE(read(dir + "/clp.conf"), QByteArray("new"));
        QVERIFY(!QFileInfo::exists(dir + "/clp.conf.bak"));
        QVERIFY(s.rollback("t1", &error));
        QVERIFY(!QFileInfo::exists(dir + "/clp.conf"));
        QVERIFY(!QFileInfo::exists(dir + "/scripts"));
    }

    void aNewStageReplacesAnOlderOne() {
        QTemporaryDir tmp;
        const QString dir = tmp.filePath("etc");
        ConfigStaging s(dir);
        QString error;
        QVERIFY(s.stage("t1", package("one", {{"a.sh", "1", 0755}}), &error));
        QVERIFY(s.stage("t2", package("two", {}), &error));
        QCOMPARE(s.stagedToken(), QString("t2"));
        QVERIFY(!QFileInfo::exists(s.stagingDir() + "/scripts/a.sh"));
        QVERIFY(!s.stage("../t3", package("x", {}), &error));
    }

    void replaceSwapsDirectories() {
        QTemporaryDir tmp;
        QString error;
        QVERIFY(filetree::writeTree(tmp.filePath("new"), {{"f", "new", 0644}}, &error));
        QVERIFY(filetree::writeTree(tmp.filePath("cur"), {{"f", "cur", 0644}, {"g", "cur", 0644}},
                                    &error));
        QVERIFY2(filetree::replace(tmp.filePath("new"), tmp.filePath("cur"), &error),
                 qPrintable(error));
        QCOMPARE(read(tmp.filePath("cur/f")), QByteArray("new"));
        QVERIFY(!QFileInfo::exists(tmp.filePath("cur/g")));
        QVERIFY(!QFileInfo::exists(tmp.filePath("new")));
        QVERIFY(filetree::writeTree(tmp.filePath("n2"), {}, &error));
        QVERIFY(filetree::replace(tmp.filePath("n2"), tmp.filePath("absent"), &error));
        QVERIFY(QFileInfo(tmp.filePath("absent")).isDir());
    }
};

QTEST_GUILESS_MAIN(TestConfigStaging)
#include "tst_config_staging.moc"
