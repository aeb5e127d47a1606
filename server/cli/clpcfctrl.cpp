// clpcfctrl — distribute a cluster configuration (clp.conf + scripts/) to the servers, or
// back up the running one.
//
//   clpcfctrl --push [-l|-w] [-x DIR] [-h HOST] [--root DIR] [--json] [--timeout SECONDS]
//   clpcfctrl --pull [-l|-w] -x DIR               [--root DIR] [--json]
//
// --push checks the configuration first (clpcfchk's messages), then the local lifelined
// stages it on every server, commits it when the cluster is in the state the change
// needs, or cancels it and names the operation to do first. Exit status: 0 done, 1
// refused or failed, 2 lifelined not reachable, 3 invalid arguments (README.md).

#include "CliContext.h"

#include "ConfigPackage.h"
#include "ConfigReader.h"
#include "Paths.h"
#include "PushReport.h"

#include <QCoreApplication>
#include <QDir>
#include <QJsonArray>
#include <QJsonDocument>

using namespace lifeline;
using namespace lifeline::cli;

namespace {

int push(CliContext& context, const QString& dir, config::ConfigPackage::Format format,
         const QString& host) {
    QString error;
    const auto saved = config::ConfigPackage::readDirectory(dir, &error);
    if (!saved) {
        CliContext::printErr(QStringLiteral("clpcfctrl: %1\nCommand failed.\n").arg(error));
        return CliContext::kExitFailed;
    }
    const auto package = saved->fromFormat(format);
    // The same checks as `clpcfchk DIR`, on what will be sent.
    const QString file = QDir(dir).absoluteFilePath(QStringLiteral("clp.conf"));
    auto loaded = config::parseConfig(package.conf, file);
    if (loaded.document)
        package.checkScripts(loaded.config, loaded.diagnostics);
    const auto& diagnostics = loaded.diagnostics;
    if (!loaded.ok()) {
        if (context.json()) {
            CliContext::printOut(QString::fromUtf8(
                QJsonDocument(
                    QJsonObject{{"uploaded", false},
                                {"reason", "invalid"},
                                {"diagnostics", QJsonArray::fromStringList(diagnostics.texts())}})
                    .toJson()));
        } else {
            QString text;
            for (const auto& line : diagnostics.texts())
                text += line + QLatin1Char('\n');
            text += QStringLiteral(
                        "%1: %2 error(s), %3 warning(s); nothing was uploaded.\nCommand failed.\n")
                        .arg(file)
                        .arg(diagnostics.errorCount())
                        .arg(diagnostics.warningCount());
            CliContext::printErr(text);
        }
        return CliContext::kExitFailed;
    }
    if (!context.json())
        for (const auto& line : diagnostics.texts()) // warnings do not stop an upload
            CliContext::printErr(line + QLatin1Char('\n'));

    QJsonObject args = package.toJson();
    if (!host.isEmpty())
        args.insert("server", host);
    // One control request line holds at most 1 MiB.
    if (const auto size = QJsonDocument(args).toJson(QJsonDocument::Compact).size();
        size > 1000 * 1024) {
        CliContext::printErr(
            QStringLiteral("clpcfctrl: %1 with its scripts/ takes %2 bytes to send, more "
                           "than the 1 MiB a request may have\nCommand failed.\n")
                .arg(file)
                .arg(size));
        return CliContext::kExitFailed;
    }
    const auto reply = context.call(QStringLiteral("config.push"), args);
    if (int code; !context.printBeginning(reply, &code))
        return code;
    const auto& result = reply.result;
    const bool uploaded = result.value("uploaded").toBool();
    if (context.json())
        return uploaded ? CliContext::kExitOk : CliContext::kExitFailed;
    const auto report = control::PushReport::of(result, !host.isEmpty());
    CliContext::printErr(report.progress);
    if (!uploaded) {
        CliContext::printErr(report.text);
        return CliContext::kExitFailed;
    }
    CliContext::printOut(report.text);
    return CliContext::kExitOk;
}

int pull(CliContext& context, const QString& dir, config::ConfigPackage::Format format) {
    const auto reply = context.call(QStringLiteral("config.pull"));
    if (!reply.ok()) {
        if (context.json())
            CliContext::printOut(QString::fromUtf8(QJsonDocument(reply.raw).toJson()));
        else
            CliContext::printErr(reply.message + QStringLiteral("\nCommand failed.\n"));
        return CliContext::failureCode(reply);
    }
    QString error;
    const auto package = config::ConfigPackage::fromJson(reply.result, &error);
    if (!package || !package->toFormat(format).writeDirectory(dir, &error)) {
        CliContext::printErr(QStringLiteral("clpcfctrl: %1\nCommand failed.\n").arg(error));
        return CliContext::kExitFailed;
    }
    if (context.json())
        CliContext::printOut(
            QString::fromUtf8(QJsonDocument(QJsonObject{{"ok", true},
                                                        {"directory", QDir(dir).absolutePath()},
                                                        {"hash", reply.result.value("hash")},
                                                        {"scripts", int(package->scripts.size())}})
                                  .toJson()));
    else
        CliContext::printOut(QStringLiteral("Command succeeded.(code:0)\n"));
    return CliContext::kExitOk;
}

} // namespace

int main(int argc, char** argv) {
    QCoreApplication app(argc, argv);
    // A push waits for every server to stage and commit.
    CliContext context(
        QStringLiteral("clpcfctrl"),
        QStringLiteral("Distribute the cluster configuration to the servers (--push), or "
                       "back it up (--pull)."),
        60);
    auto& p = context.parser();
    p.addOption(
        {QStringLiteral("push"), QStringLiteral("Distribute clp.conf and scripts/ from DIR.")});
    p.addOption(
        {QStringLiteral("pull"), QStringLiteral("Write the configuration and scripts/ to DIR.")});
    p.addOption(
        {QStringLiteral("l"), QStringLiteral("The files are (to be) saved on Linux (default).")});
    p.addOption({QStringLiteral("w"),
                 QStringLiteral("The files are (to be) saved on Windows: CRLF line endings.")});
    p.addOption({QStringLiteral("x"),
                 QStringLiteral("The directory holding clp.conf and scripts/ (--push default: this "
                                "server's own configuration)."),
                 QStringLiteral("DIR")});
    p.addOption({QStringLiteral("h"),
                 QStringLiteral("--push to this server only (e.g. after a reinstall)."),
                 QStringLiteral("HOST")});
    p.addOption({QStringLiteral("d"), QStringLiteral("Not supported (floppy device)."),
                 QStringLiteral("DEVICE")});
    p.addOption({QStringLiteral("m"), QStringLiteral("Not supported (floppy mount point)."),
                 QStringLiteral("DIR")});
    if (!context.parse(app.arguments()))
        return context.exitCode();
    if (p.isSet("push") == p.isSet("pull"))
        return context.usageError(QStringLiteral("give exactly one of --push, --pull"));
    if (p.isSet("l") && p.isSet("w"))
        return context.usageError(QStringLiteral("give at most one of -l, -w"));
    if (p.isSet("d") || p.isSet("m"))
        return context.usageError(
            QStringLiteral("floppy devices (-d, -m) are not supported; save the "
                           "configuration to a directory and give it with -x"));
    if (!p.positionalArguments().isEmpty())
        return context.usageError(
            QStringLiteral("unexpected argument %1").arg(p.positionalArguments().first()));
    const auto format = p.isSet("w") ? config::ConfigPackage::Format::Windows
                                     : config::ConfigPackage::Format::Linux;
    if (p.isSet("pull")) {
        if (!p.isSet("x"))
            return context.usageError(QStringLiteral("--pull needs -x DIR"));
        if (p.isSet("h"))
            return context.usageError(QStringLiteral("-h goes with --push"));
        return pull(context, p.value("x"), format);
    }
    const QString dir = p.isSet("x") ? p.value("x") : config::Paths(context.root()).configDir();
    return push(context, dir, format, p.value("h"));
}
