// clplcnsc: the manual's registration dialogue from scripted input (prompts, the default
// count, what is asked again, the option products' shorter dialogue), the options, the store
// operations and their wording, the distribution outcome, and the binary itself.
#include "LicenseCommand.h"
#include "LicenseDialogue.h"
#include "LicenseFile.h"
#include "LicenseStore.h"
#include "LicenseVerifier.h"
#include "Product.h"
#include "TestLicense.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>

#include <unistd.h>

using namespace lifeline;
using namespace lifeline::cli;
using licensing::License;
using licensing::LicenseFile;
using licensing::Product;
using testing::testLicense;

namespace {

const QString kHead =
    QStringLiteral("Selection of License Version.\n1. Product version\n2. Trial version\n");
const QString kVersion = QStringLiteral("Select License Version. [1 or 2 ] ...");
const QString kCount =
    QStringLiteral("Enter the number of license [0(Virtual OS) or 1 to 99 (default:2)] ...");
const QString kSerial = QStringLiteral("Enter serial number [Ex. XXX0000000] ... ");
const QString kKey =
    QStringLiteral("Enter license key\n[XXXXXXXX-XXXXXXXX-...-XXXXXXXX (14 groups of 8)] ...");

struct Dialogue {
    QString transcript;
    std::optional<License> license;
    QString error;
};

Dialogue converse(const QString& product, QString input, bool echo = true) {
    QTextStream in(&input, QIODevice::ReadOnly);
    Dialogue d;
    LicenseDialogue dialogue(
        in, [&d](const QString& text) { d.transcript += text; }, echo);
    d.license = dialogue.run(*Product::find(product), &d.error);
    return d;
}

control::ControlReply reply(control::ControlReply::Status status, const QJsonObject& result = {},
                            const QString& message = {}) {
    control::ControlReply r;
    r.status = status;
    r.result = result;
    r.message = message;
    r.raw = status == control::ControlReply::Status::Ok
                ? QJsonObject{{"ok", true}, {"result", result}}
                : QJsonObject{{"ok", false}};
    return r;
}

struct Run {
    int code = -1;
    QString out, err;
};

} // namespace

class TestClplcnsc : public QObject {
    Q_OBJECT
private:
    QTemporaryDir dir_;

    QString store(const char* name) const {
        return dir_.filePath(QStringLiteral("%1/licenses.db").arg(name));
    }

    Run clplcnsc(const QStringList& args, const QByteArray& input = {},
                 const QStringList& prefix = {}) {
        QProcess p;
        const QStringList all = QStringList{"--root", dir_.filePath("root")} + args;
        if (prefix.isEmpty())
            p.start(CLPLCNSC_BIN, all);
        else
            p.start(prefix.first(), prefix.mid(1) + QStringList{CLPLCNSC_BIN} + all);
        p.write(input);
        p.closeWriteChannel();
        if (!p.waitForFinished(60000))
            return {};
        return {p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1,
                QString::fromUtf8(p.readAllStandardOutput()),
                QString::fromUtf8(p.readAllStandardError())};
    }

    QString writeFile(const char* name, const License& l) {
        QFile f(dir_.filePath(name));
        f.open(QIODevice::WriteOnly);
        f.write(LicenseFile::toBytes(l));
        return f.fileName();
    }

private slots:
    // The manual's example (§10.4): product version, the default of 2 by pressing ENTER.
    void dialogueAsInTheManual() {
        const QString key = testLicense("BASE10", 2).key;
        const auto d = converse("BASE10", QStringLiteral("1\n\nAAA0000000\n%1\n").arg(key));
        QVERIFY2(d.license, qPrintable(d.error));
        QCOMPARE(d.transcript, kHead + kVersion + "1\n" + kCount + "\n" + kSerial + "AAA0000000\n" +
                                   kKey + key + "\n");
        QCOMPARE(d.license->product, QStringLiteral("BASE10"));
        QCOMPARE(d.license->version, License::Version::Product);
        QCOMPARE(d.license->kind, License::Kind::Cpu);
        QCOMPARE(d.license->count, 2);
        QCOMPARE(d.license->serial, QStringLiteral("AAA0000000"));
        QCOMPARE(d.license->key, key);
        QVERIFY(licensing::LicenseVerifier().check(*d.license, "BASE10").ok());
    }

    void dialogueAsksAgain() {
        const QString key = testLicense("BASE10", 0).key;
        QString spaced = key;
        spaced.replace(u'-', QStringLiteral("- ")); // as the license sheet prints it
        const auto d = converse(
            "BASE10", QStringLiteral("3\n\n1\n100\nx\n0\naaa0000000\nAAA0000000\nABCDEFGH\n%1\n")
                          .arg(spaced));
        QVERIFY2(d.license, qPrintable(d.error));
        QCOMPARE(d.transcript, kHead + kVersion + "3\n" + kVersion + "\n" + kVersion + "1\n" +
                                   kCount + "100\n" + kCount + "x\n" + kCount + "0\n" + kSerial +
                                   "aaa0000000\n" +
                                   "the serial number \"aaa0000000\" is not of the form "
                                   "XXX0000000: 3 capital letters and 7 digits "
                                   "(case sensitive)\n" +
                                   kSerial + "AAA0000000\n" + kKey + "ABCDEFGH\n" +
                                   "the license key has 8 characters without the dashes; it needs "
                                   "112 (14 groups of 8)\n" +
                                   kKey + spaced + "\n");
        QCOMPARE(d.license->kind, License::Kind::Vm); // 0: Virtual OS
        QCOMPARE(d.license->count, 0);
        QCOMPARE(d.license->key, key);
    }

    // The node license dialogue of the options asks no number (the manual's node section).
    void optionDialogue() {
        const QString key = testLicense("DBAG10", 1, "DDD0000000").key;
        const auto d = converse("DBAG10", QStringLiteral("1\nDDD0000000\n%1\n").arg(key));
        QVERIFY2(d.license, qPrintable(d.error));
        QCOMPARE(d.transcript,
                 kHead + kVersion + "1\n" + kSerial + "DDD0000000\n" + kKey + key + "\n");
        QCOMPARE(d.license->kind, License::Kind::Node);
        QCOMPARE(d.license->count, 1);
    }

    void trialIsFromAFileOnly() {
        const auto d = converse("BASE10", "2\n");
        QVERIFY(!d.license);
        QCOMPARE(
            d.error,
            QStringLiteral(
                "a trial license is registered from its license file: clplcnsc -i FILE -p BASE10"));
    }

    void inputEndsEarly() {
        const auto d = converse("BASE10", "1\n2\n");
        QVERIFY(!d.license);
        QCOMPARE(d.error, QStringLiteral("the input ended before the license was complete"));
        QVERIFY(d.transcript.endsWith(kSerial + "\n"));
    }

    // From a terminal the typing is echoed by the terminal, not by clplcnsc.
    void terminalNoEcho() {
        const QString key = testLicense("BASE10", 2).key;
        const auto d = converse("BASE10", QStringLiteral("1\n4\nAAA0000000\n%1\n").arg(key), false);
        QCOMPARE(d.transcript, kHead + kVersion + kCount + kSerial + kKey);
        QCOMPARE(d.license->count, 4);
    }

    void options_data() {
        QTest::addColumn<QStringList>("args");
        QTest::addColumn<int>("mode"); // -1: refused
        QTest::addColumn<QString>("fileOrError");
        QTest::addColumn<QString>("product");
        QTest::addColumn<bool>("distribute");
        using M = LicenseCommand::Mode;
        QTest::newRow("file") << QStringList{"-i", "lic.json", "-p", "BASE10"} << int(M::Register)
                              << "lic.json"
                              << "BASE10" << false;
        QTest::newRow("interactive") << QStringList{"-i", "-p", "BASE10"} << int(M::Register) << ""
                                     << "BASE10" << false;
        QTest::newRow("and distribute")
            << QStringList{"-i", "lic.json", "-p", "BASE10", "--distribute"} << int(M::Register)
            << "lic.json"
            << "BASE10" << true;
        QTest::newRow("list all") << QStringList{"-l"} << int(M::List) << ""
                                  << "" << false;
        QTest::newRow("list one") << QStringList{"-l", "-p", "DBAG10"} << int(M::List) << ""
                                  << "DBAG10" << false;
        QTest::newRow("delete") << QStringList{"-d", "-p", "BASE10"} << int(M::Delete) << ""
                                << "BASE10" << false;
        QTest::newRow("distribute") << QStringList{"--distribute"} << int(M::Distribute) << ""
                                    << "" << true;
        const QString choose =
            "choose one of -i [FILE] -p ID, -l [-p ID], -d -p ID, --distribute [-p ID]";
        const QString ids = "BASE10, XSSS10, DBAG10, ISAG10, FSAG10, ASAG10, ALRT10";
        QTest::newRow("nothing") << QStringList{} << -1 << choose << "" << false;
        QTest::newRow("two modes")
            << QStringList{"-l", "-d", "-p", "BASE10"} << -1 << choose << "" << false;
        QTest::newRow("no product") << QStringList{"-i", "lic.json"} << -1
                                    << "give the product ID with -p ID (one of " + ids + ")"
                                    << "" << false;
        QTest::newRow("delete all")
            << QStringList{"-d"} << -1 << "give the product ID with -p ID (one of " + ids + ")"
            << "" << false;
        QTest::newRow("unknown product") << QStringList{"-l", "-p", "BASE30"} << -1
                                         << "unknown product ID \"BASE30\" (one of " + ids + ")"
                                         << "" << false;
        QTest::newRow("two files") << QStringList{"-i", "a.json", "b.json", "-p", "BASE10"} << -1
                                   << "unexpected argument \"b.json\""
                                   << "" << false;
        QTest::newRow("file with -l")
            << QStringList{"-l", "a.json"} << -1 << "unexpected argument \"a.json\""
            << "" << false;
        QTest::newRow("list and distribute")
            << QStringList{"-l", "--distribute"} << -1 << "--distribute goes with -i or alone"
            << "" << false;
    }
    void options() {
        QFETCH(QStringList, args);
        QFETCH(int, mode);
        QFETCH(QString, fileOrError);
        QFETCH(QString, product);
        QFETCH(bool, distribute);
        LicenseCommand::Request request;
        QString error;
        const bool ok = LicenseCommand::parse(args, &request, &error);
        if (mode < 0) {
            QVERIFY(!ok);
            QCOMPARE(error, fileOrError);
            return;
        }
        QVERIFY2(ok, qPrintable(error));
        QCOMPARE(int(request.mode), mode);
        QCOMPARE(request.file, fileOrError);
        QCOMPARE(request.product, product);
        QCOMPARE(request.distribute, distribute);
    }

    void registerListDelete() {
        const QString path = store("ops");
        const License l = testLicense("BASE10", 2);
        auto o = LicenseCommand::registerLicense(path, l, "BASE10", "file", false);
        QCOMPARE(o.out, QStringLiteral("Command succeeded.\n"));
        QCOMPARE(o.exitCode, 0);
        o = LicenseCommand::list(path, "BASE10", false);
        QCOMPARE(o.out, QStringLiteral("< BASE10 : Lifeline 1.0 for Linux <PRODUCT> >\n"
                                       "Seq ..................... 1\n"
                                       "Kind .................... CPU license\n"
                                       "Serial Number ........... AAA0000000\n"
                                       "License Key ............. %1\n"
                                       "Number of Licenses ...... 2\n"
                                       "Status .................. valid\n")
                            .arg(l.key));
        o = LicenseCommand::list(path, "DBAG10", false);
        QCOMPARE(o.out, QStringLiteral("No license of DBAG10 is registered.\n"));
        o = LicenseCommand::list(path, {}, true);
        const QJsonObject report = QJsonDocument::fromJson(o.out.toUtf8()).object();
        QCOMPARE(report.value("licenses").toArray().size(), 1);
        QCOMPARE(report.value("licenses").toArray()[0].toObject().value("status").toString(),
                 QStringLiteral("valid"));

        // Refused: the reason and "Command failed." (exit 1), nothing stored.
        License tampered = testLicense("BASE10", 2, "AAA0000001");
        tampered.count = 5;
        o = LicenseCommand::registerLicense(path, tampered, "BASE10", "file", false);
        QCOMPARE(o.err,
                 QStringLiteral("The license key is for 2 CPUs, not 5 CPUs.\nCommand failed.\n"));
        QCOMPARE(o.exitCode, 1);
        o = LicenseCommand::registerLicense(path, testLicense("DBAG10", 1), "BASE10", "file", true);
        QCOMPARE(
            QJsonDocument::fromJson(o.out.toUtf8()).object(),
            QJsonObject({{"ok", false}, {"message", "The license is for DBAG10, not BASE10."}}));
        o = LicenseCommand::registerLicense(path, testLicense("BASE10", 0, "VVV0000000"), "BASE10",
                                            "interactive", false);
        QCOMPARE(o.err,
                 QStringLiteral(
                     "CPU license and VM node license cannot be mixed: BASE10 has a CPU license "
                     "registered (serial number AAA0000000).\nCommand failed.\n"));

        o = LicenseCommand::remove(path, "BASE10", true);
        QCOMPARE(QJsonDocument::fromJson(o.out.toUtf8()).object(),
                 QJsonObject({{"ok", true}, {"deleted", 1}}));
        QCOMPARE(LicenseCommand::list(path, {}, false).out,
                 QStringLiteral("No license is registered.\n"));
    }

    void distributionWording() {
        using S = control::ControlReply::Status;
        const QString partial =
            "Command succeeded. But the license was not applied to all the servers in the cluster "
            "because there are one or more servers that are not started up.\n";
        auto o = LicenseCommand::distributed(
            reply(S::Ok, {{"servers", QJsonObject{{"server1", QJsonObject{{"ok", true}}},
                                                  {"server2", QJsonObject{{"ok", true}}}}}}),
            false);
        QCOMPARE(o.out, QStringLiteral("Command succeeded.\n"));
        QCOMPARE(o.exitCode, 0);
        o = LicenseCommand::distributed(
            reply(S::Ok,
                  {{"servers", QJsonObject{{"server1", QJsonObject{{"ok", true}}},
                                           {"server2", QJsonObject{{"ok", false},
                                                                   {"message", "timed out"}}}}}}),
            false);
        QCOMPARE(o.out, partial);
        QCOMPARE(o.err, QStringLiteral("server2: timed out\n"));
        QCOMPARE(o.exitCode, 1);
        // lifelined refused (no CPU license here).
        o = LicenseCommand::distributed(
            reply(S::Error, {}, "no valid CPU license is registered on server1"), false);
        QCOMPARE(o.err, QStringLiteral(
                            "no valid CPU license is registered on server1\nCommand failed.\n"));
        QCOMPARE(o.exitCode, 1);
        // No lifelined: registered here only.
        o = LicenseCommand::distributed(reply(S::Transport, {}, "could not connect"), false,
                                        "Command succeeded.\n");
        QCOMPARE(o.out, partial);
        QCOMPARE(o.err, QStringLiteral("could not connect\n"));
        QCOMPARE(o.exitCode, 2);
        o = LicenseCommand::distributed(reply(S::Transport, {}, "could not connect"), false);
        QCOMPARE(o.out, QString());
        QCOMPARE(o.exitCode, 2);
        o = LicenseCommand::distributed(reply(S::Transport, {}, "could not connect"), true,
                                        "{\"ok\": true}");
        QCOMPARE(QJsonDocument::fromJson(o.out.toUtf8()).object(),
                 QJsonObject({{"ok", true},
                              {"distribution",
                               QJsonObject{{"ok", false}, {"message", "could not connect"}}}}));
    }

    void binary() {
        const License base = testLicense("BASE10", 2);
        const QString file = writeFile("base.json", base);
        auto r = clplcnsc({"-i", file, "-p", "BASE10"});
        QCOMPARE(r.out, QStringLiteral("Command succeeded.\n"));
        QCOMPARE(r.code, 0);
        QVERIFY(QFile::exists(dir_.filePath("root/var/lib/lifeline/licenses.db")));

        // Interactively from standard input (a script): the transcript reads like the manual's.
        const License option = testLicense("ISAG10", 1, "III0000000");
        r = clplcnsc({"-i", "-p", "ISAG10"},
                     QStringLiteral("1\nIII0000000\n%1\n").arg(option.key).toUtf8());
        QCOMPARE(r.out, kHead + kVersion + "1\n" + kSerial + "III0000000\n" + kKey + option.key +
                            "\nCommand succeeded.\n");
        QCOMPARE(r.code, 0);

        r = clplcnsc({"-l", "--json"});
        const auto list =
            QJsonDocument::fromJson(r.out.toUtf8()).object().value("licenses").toArray();
        QCOMPARE(list.size(), 2);
        QCOMPARE(list[0].toObject().value("serial").toString(), QStringLiteral("AAA0000000"));
        QCOMPARE(list[1].toObject().value("source").toString(), QStringLiteral("interactive"));

        License tampered = base;
        tampered.serial = "AAA0000009";
        r = clplcnsc({"-i", writeFile("tampered.json", tampered), "-p", "BASE10"});
        QCOMPARE(r.err, QStringLiteral("The license key belongs to another serial number, not "
                                       "AAA0000009.\nCommand failed.\n"));
        QCOMPARE(r.code, 1);
        r = clplcnsc({"-i", dir_.filePath("none.json"), "-p", "BASE10"});
        QCOMPARE(
            r.err,
            QStringLiteral(
                "cannot read the license file %1: No such file or directory\nCommand failed.\n")
                .arg(dir_.filePath("none.json")));
        r = clplcnsc({"-l", "-p", "BASE30"});
        QCOMPARE(r.code, 3);
        QVERIFY2(r.err.startsWith("clplcnsc: unknown product ID \"BASE30\""), qPrintable(r.err));

        // Without lifelined: distribution cannot happen, the registration stays.
        r = clplcnsc({"--distribute"});
        QCOMPARE(r.code, 2);
        QVERIFY2(r.err.contains("could not connect to lifelined"), qPrintable(r.err));
        const License second = testLicense("BASE10", 2, "AAA0000002");
        r = clplcnsc({"-i", writeFile("second.json", second), "-p", "BASE10", "--distribute"});
        QCOMPARE(r.code, 2);
        QVERIFY2(r.out.startsWith("Command succeeded. But the license was not applied"),
                 qPrintable(r.out));
        QCOMPARE(clplcnsc({"-l", "-p", "BASE10", "--json"}).out.count("\"serial\""), 2);

        r = clplcnsc({"-d", "-p", "ISAG10"});
        QCOMPARE(r.out, QStringLiteral("Command succeeded.\n"));
        QCOMPARE(clplcnsc({"-l", "-p", "ISAG10"}).out,
                 QStringLiteral("No license of ISAG10 is registered.\n"));
    }

    void onlyRoot() {
        if (::geteuid() != 0 || !QFile::exists("/usr/bin/setpriv"))
            QSKIP("needs root and setpriv to run clplcnsc as another user");
        const auto r = clplcnsc(
            {"-l"}, {}, {"/usr/bin/setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"});
        QCOMPARE(r.err, QStringLiteral("Log in as root.\n"));
        QCOMPARE(r.code, 1);
    }
};

QTEST_GUILESS_MAIN(TestClplcnsc)
#include "tst_clplcnsc.moc"
