// clpgrp — start, stop, move failover groups, or show where one runs.
//
//   clpgrp -s [GROUP] [-h HOST] | -t [GROUP] [-h HOST] | -m GROUP [-h HOST] | -n GROUP | -c GROUP
//          [--root DIR] [--json] [--timeout SECONDS]
//
// Exit status: 0 done, 1 refused or failed, 2 lifelined not reachable, 3 invalid arguments.

#include "CliContext.h"
#include "GroupCommand.h"

#include <QCoreApplication>

using namespace lifeline::cli;

int main(int argc, char** argv) {
    QCoreApplication app(argc, argv);
    // A start or move waits for the group's resources (scripts may take long).
    CliContext context(QStringLiteral("clpgrp"),
                       QStringLiteral("Start, stop or move failover groups, or show where one is active."), 1800);
    GroupCommand::addClpgrpOptions(context.parser());
    if (!context.parse(app.arguments()))
        return context.exitCode();
    GroupCommand::Plan plan;
    QString error;
    if (!GroupCommand::readClpgrp(context.parser(), &plan, &error))
        return context.usageError(error);
    return GroupCommand::run(context, plan);
}
