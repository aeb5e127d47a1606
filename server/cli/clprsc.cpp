// clprsc — start or stop one group resource.
//
//   clprsc -s|-t RESOURCE [-h HOST] [--root DIR] [--json] [--timeout SECONDS]
//
// Exit status: 0 done, 1 refused or failed, 2 lifelined not reachable, 3 invalid arguments.

#include "CliContext.h"
#include "GroupCommand.h"

#include <QCoreApplication>

using namespace lifeline::cli;

int main(int argc, char** argv) {
    QCoreApplication app(argc, argv);
    CliContext context(QStringLiteral("clprsc"), QStringLiteral("Start or stop a group resource."), 1800);
    GroupCommand::addClprscOptions(context.parser());
    if (!context.parse(app.arguments()))
        return context.exitCode();
    GroupCommand::Plan plan;
    QString error;
    if (!GroupCommand::readClprsc(context.parser(), &plan, &error))
        return context.usageError(error);
    return GroupCommand::run(context, plan);
}
