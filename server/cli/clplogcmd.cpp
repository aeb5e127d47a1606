// clplogcmd — add an alert (module "logcmd") on this server, e.g. from an exec or genw script.
//
//   clplogcmd -m MESSAGE [-l info|warn|err] [-i ID] [--alert] [--syslog] [--root DIR] [--json]
//
// The alert goes where every alert goes: the alert store (shared with the other servers),
// alert.log, the journal and syslog. Exit status: 0 done, 1 refused (not root, bad message),
// 2 lifelined not reachable, 3 invalid arguments.

#include "CliContext.h"

#include <QCoreApplication>
#include <QJsonDocument>

using namespace lifeline::cli;

int main(int argc, char** argv) {
    QCoreApplication app(argc, argv);
    CliContext context(QStringLiteral("clplogcmd"),
                       QStringLiteral("Add an alert (module logcmd) on this server."), 30);
    auto& p = context.parser();
    p.addOption({QStringLiteral("m"), QStringLiteral("The message (at most 511 characters)."),
                 QStringLiteral("MESSAGE")});
    p.addOption({QStringLiteral("l"), QStringLiteral("Level: info (default), warn or err."),
                 QStringLiteral("LEVEL")});
    p.addOption({QStringLiteral("i"), QStringLiteral("Event id, 1 to 10000 (default 1)."),
                 QStringLiteral("ID")});
    p.addOption({QStringLiteral("alert"),
                 QStringLiteral("Accepted for compatibility: the alert is always stored.")});
    p.addOption({QStringLiteral("syslog"),
                 QStringLiteral("Accepted for compatibility: the alert always goes to syslog.")});
    if (!context.parse(app.arguments()))
        return context.exitCode();
    if (!p.positionalArguments().isEmpty())
        return context.usageError(
            QStringLiteral("unexpected argument %1 (quote a message with spaces)")
                .arg(p.positionalArguments().first()));
    const QString message = p.value("m").simplified();
    if (message.isEmpty())
        return context.usageError(QStringLiteral("give the message with -m MESSAGE"));
    QString level = QStringLiteral("info");
    if (p.isSet("l")) {
        const QString l = p.value("l").toLower();
        if (l == QLatin1String("info"))
            level = QStringLiteral("info");
        else if (l == QLatin1String("warn") || l == QLatin1String("warning"))
            level = QStringLiteral("warning");
        else if (l == QLatin1String("err") || l == QLatin1String("error"))
            level = QStringLiteral("error");
        else
            return context.usageError(QStringLiteral("-l must be info, warn or err"));
    }
    int id = 1;
    if (p.isSet("i")) {
        bool ok = false;
        id = p.value("i").toInt(&ok);
        if (!ok || id < 1 || id > 10000)
            return context.usageError(QStringLiteral("-i must be an event id from 1 to 10000"));
    }

    const auto reply = context.call(QStringLiteral("alert.add"),
                                    {{"message", message}, {"type", level}, {"id", id}});
    if (context.json())
        CliContext::printOut(QString::fromUtf8(QJsonDocument(reply.raw).toJson()));
    if (!reply.ok()) {
        if (!context.json() || reply.raw.isEmpty())
            CliContext::printErr(QStringLiteral("clplogcmd: %1\n").arg(reply.message));
        return CliContext::failureCode(reply);
    }
    return CliContext::kExitOk;
}
