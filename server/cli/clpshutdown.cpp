// clpstdn — shut the whole cluster down; clpdown — shut this server down (its groups move
// to another server first). One source, built twice (LIFELINE_WHOLE_CLUSTER 1 / 0).
//
//   clpstdn [-r | -h]   [--root DIR] [--json] [--timeout SECONDS]
//   clpdown [-r | -h]   [--root DIR] [--json] [--timeout SECONDS]
//
// The cluster service stops (groups released or moved), then the OS powers off, or reboots
// (-r), or halts (-h). Exit status: 0 done, 1 refused or a server not shut down, 2 lifelined
// not reachable, 3 invalid arguments (README.md).

#include "CliContext.h"
#include "ShutdownCommand.h"

#include <QCoreApplication>

using namespace lifeline::cli;

int main(int argc, char** argv) {
    QCoreApplication app(argc, argv);
    constexpr bool wholeCluster = LIFELINE_WHOLE_CLUSTER;
    // Stopping waits for every group to stop or move.
    CliContext context(wholeCluster ? QStringLiteral("clpstdn") : QStringLiteral("clpdown"),
                       wholeCluster ? QStringLiteral("Stop the cluster service on every server and shut "
                                                     "their OS down (power off; -r reboot, -h halt).")
                                    : QStringLiteral("Move this server's groups away, stop its cluster "
                                                     "service and shut its OS down (power off; -r "
                                                     "reboot, -h halt)."),
                       1800);
    ShutdownCommand::addOptions(context.parser());
    if (!context.parse(app.arguments()))
        return context.exitCode();
    ShutdownCommand::Request request;
    QString error;
    if (!ShutdownCommand::read(context.parser(), wholeCluster, &request, &error))
        return context.usageError(error);
    const auto outcome =
        ShutdownCommand::outcome(context.call(request.command, request.args), context.json());
    CliContext::printOut(outcome.out);
    CliContext::printErr(outcome.err);
    return outcome.exitCode;
}
