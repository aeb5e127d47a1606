// clpmonctrl — suspend or resume monitors on this server, or reset their recovery counters.
//
//   clpmonctrl -s|-r [-m MONITOR] [-w WAIT] | -c [-m MONITOR]  [--root DIR] [--json]
//
// Exit status: 0 done, 1 refused or failed, 2 lifelined not reachable, 3 invalid arguments.

#include "CliContext.h"

#include <QCoreApplication>

using namespace lifeline::cli;

int main(int argc, char** argv) {
    QCoreApplication app(argc, argv);
    CliContext context(QStringLiteral("clpmonctrl"),
                       QStringLiteral("Suspend or resume monitors, or reset their recovery counters."), 60);
    auto& p = context.parser();
    p.addOption({QStringLiteral("s"), QStringLiteral("Suspend monitoring.")});
    p.addOption({QStringLiteral("r"), QStringLiteral("Resume monitoring.")});
    p.addOption({QStringLiteral("c"), QStringLiteral("Reset the reactivation and failover counters.")});
    p.addOption({QStringLiteral("m"), QStringLiteral("Only MONITOR (default: every monitor)."), QStringLiteral("MONITOR")});
    p.addOption({QStringLiteral("w"), QStringLiteral("Accepted for compatibility: the change is immediate."),
                 QStringLiteral("WAIT")});
    if (!context.parse(app.arguments()))
        return context.exitCode();
    const int ops = int(p.isSet("s")) + int(p.isSet("r")) + int(p.isSet("c"));
    if (ops != 1)
        return context.usageError(QStringLiteral("give exactly one of -s, -r, -c"));
    if (!p.positionalArguments().isEmpty())
        return context.usageError(QStringLiteral("unexpected argument %1").arg(p.positionalArguments().first()));
    const QString command = p.isSet("s") ? QStringLiteral("monitor.suspend")
                            : p.isSet("r") ? QStringLiteral("monitor.resume")
                                           : QStringLiteral("monitor.reset");
    QJsonObject args;
    if (p.isSet("m"))
        args.insert("monitor", p.value("m"));
    const auto reply = context.call(command, args);
    if (int code; !context.printBeginning(reply, &code))
        return code;
    if (!context.json())
        CliContext::printSucceeded();
    return CliContext::kExitOk;
}
