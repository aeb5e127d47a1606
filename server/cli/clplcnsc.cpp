// clplcnsc — register, list, delete and distribute licenses (ExpressCluster's clplcnsc).
//
//   clplcnsc -i [FILE] -p ID [--distribute]   register from FILE, or as typed (the manual's
//   dialogue) clplcnsc -l [-p ID]                        list the licenses registered here clplcnsc
//   -d -p ID                          delete the licenses of ID here clplcnsc --distribute [-p ID]
//   send this server's CPU licenses to every server
//           [--root DIR] [--json] [--timeout SECONDS]
//
// Root only. The store is written here (lifelined need not run, and is told when it does);
// --distribute asks lifelined.
// Exit status: 0 done, 1 refused or not every server reached, 2 lifelined not reachable,
// 3 invalid arguments (README.md "clplcnsc").

#include "CliContext.h"
#include "LicenseCommand.h"
#include "LicenseDialogue.h"
#include "LicenseFile.h"
#include "LicenseStore.h"
#include "Paths.h"

#include <QCoreApplication>

#include <cstdio>
#include <unistd.h>

using namespace lifeline;
using namespace lifeline::cli;

int main(int argc, char** argv) {
    QCoreApplication app(argc, argv);
    CliContext context(QStringLiteral("clplcnsc"),
                       QStringLiteral("Register, list, delete and distribute Lifeline licenses."),
                       30);
    LicenseCommand::addOptions(context.parser());
    if (!context.parse(app.arguments()))
        return context.exitCode();
    LicenseCommand::Request request;
    QString error;
    if (!LicenseCommand::read(context.parser(), &request, &error))
        return context.usageError(error);
    if (::geteuid() != 0) {
        CliContext::printErr(QStringLiteral("Log in as root.\n"));
        return CliContext::kExitFailed;
    }
    const QString store = licensing::LicenseStore::pathIn(config::Paths(context.root()).stateDir());

    const auto distribute = [&](const QString& registration) {
        QJsonObject args;
        if (!request.product.isEmpty())
            args.insert("product", request.product);
        return LicenseCommand::distributed(
            context.call(QStringLiteral("licenses.distribute"), args), context.json(),
            registration);
    };
    LicenseCommand::Outcome outcome;
    switch (request.mode) {
    case LicenseCommand::Mode::List:
        outcome = LicenseCommand::list(store, request.product, context.json());
        break;
    case LicenseCommand::Mode::Delete:
        outcome = LicenseCommand::remove(store, request.product, context.json());
        break;
    case LicenseCommand::Mode::Register: {
        std::optional<licensing::License> license;
        if (!request.file.isEmpty()) {
            license = licensing::LicenseFile::read(request.file, &error);
        } else {
            QTextStream in(stdin);
            LicenseDialogue dialogue(in, CliContext::printOut, !::isatty(STDIN_FILENO));
            license = dialogue.run(*licensing::Product::find(request.product), &error);
        }
        outcome = license ? LicenseCommand::registerLicense(store, *license, request.product,
                                                            request.file.isEmpty()
                                                                ? QStringLiteral("interactive")
                                                                : QStringLiteral("file"),
                                                            context.json())
                          : LicenseCommand::failed(error, context.json());
        if (outcome.exitCode == CliContext::kExitOk && request.distribute)
            outcome = distribute(outcome.out);
        break;
    }
    case LicenseCommand::Mode::Distribute:
        outcome = distribute({});
        break;
    }
    // A running lifelined learns of the change at once: a cluster service held back for want of
    // a license starts now. Not running: it reads the store when it starts.
    if (outcome.exitCode == CliContext::kExitOk &&
        (request.mode == LicenseCommand::Mode::Register || request.mode == LicenseCommand::Mode::Delete))
        context.call(QStringLiteral("licenses.changed"));
    CliContext::printOut(outcome.out);
    CliContext::printErr(outcome.err);
    return outcome.exitCode;
}
