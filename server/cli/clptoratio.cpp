// clptoratio — multiply every heartbeat and monitor timeout of the cluster for a while.
//
//   clptoratio -r RATIO -t TIME | -i | -s   [--root DIR] [--json] [--timeout SECONDS]
//
// TIME is Ns, Nm, Nh or Nd (at most 30 days); the setting reaches every server, survives a
// restart of lifelined and ends by itself. Exit status: 0 done, 1 refused, 2 lifelined not
// reachable, 3 invalid arguments (README.md).

#include "CliContext.h"
#include "TimeoutRatioCommand.h"

#include <QCoreApplication>

using namespace lifeline::cli;

int main(int argc, char** argv) {
    QCoreApplication app(argc, argv);
    CliContext context(QStringLiteral("clptoratio"),
                       QStringLiteral("Multiply every heartbeat and monitor timeout of the cluster for a "
                                      "while, set them back, or show the ratio."),
                       30);
    TimeoutRatioCommand::addOptions(context.parser());
    if (!context.parse(app.arguments()))
        return context.exitCode();
    TimeoutRatioCommand::Request request;
    QString error;
    if (!TimeoutRatioCommand::read(context.parser(), &request, &error))
        return context.usageError(error);
    const auto outcome = TimeoutRatioCommand::outcome(request, context.call(request.command, request.args),
                                                      context.json());
    CliContext::printOut(outcome.out);
    CliContext::printErr(outcome.err);
    return outcome.exitCode;
}
