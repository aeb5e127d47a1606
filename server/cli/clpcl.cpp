// clpcl — start, stop or restart the cluster service, or suspend and resume the cluster.
//
//   clpcl -s|-t|-r [-a | -h HOST] [--root DIR] [--json] [--timeout SECONDS]
//   clpcl --suspend|--resume [--force]
//
// Exit status: 0 done, 1 refused or failed on some server, 2 lifelined not
// reachable, 3 invalid arguments (README.md).

#include "CliContext.h"
#include "ClpclCommand.h"

#include <QCoreApplication>

using namespace lifeline::cli;

int main(int argc, char** argv) {
    QCoreApplication app(argc, argv);
    // Starting every server can take a while (each waits for its groups).
    CliContext context(QStringLiteral("clpcl"),
                       QStringLiteral("Start, stop or restart the cluster service, or suspend and "
                                      "resume the cluster."),
                       300);
    ClpclCommand::addOptions(context.parser());
    if (!context.parse(app.arguments()))
        return context.exitCode();
    ClpclCommand::Request request;
    QString error;
    if (!ClpclCommand::read(context.parser(), &request, &error))
        return context.usageError(error);
    const auto outcome =
        ClpclCommand::outcome(context.call(request.command, request.args), context.json());
    CliContext::printOut(outcome.out);
    CliContext::printErr(outcome.err);
    return outcome.exitCode;
}
