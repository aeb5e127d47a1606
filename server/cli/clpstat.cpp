// clpstat — show the status of the cluster in ExpressCluster's layout.
//
//   clpstat [-s | -n | -g | -m] [--long] [--local]      status (servers, groups, monitors)
//   clpstat --sv NAME | --grp NAME                      one server / one group
//   clpstat --hb [NAME] | --np [NAME] | --mon NAME | --cl   information [--detail]
//   clpstat --json                                      the daemon's status as JSON
//   clpstat --alert [--max N] [--server S] [--type T] [--module M] [--json]   the alerts
//
// Exit status: 0 shown, 1 refused or unknown NAME, 2 lifelined not reachable,
// 3 invalid arguments (README.md).

#include "AlertView.h"
#include "CliContext.h"
#include "ClpstatOptions.h"
#include "ConfigReader.h"
#include "Encoding.h"
#include "StatusFormatter.h"

#include <QCoreApplication>
#include <QJsonArray>
#include <QJsonDocument>

using namespace lifeline;
using namespace lifeline::cli;

int main(int argc, char** argv) {
    QCoreApplication app(argc, argv);
    CliContext context(QStringLiteral("clpstat"),
                       QStringLiteral("Show the status of the Lifeline cluster."), 30);
    ClpstatOptions::addOptions(context.parser());
    AlertView::addOptions(context.parser());
    if (!context.parse(app.arguments()))
        return context.exitCode();
    if (AlertView::requested(context.parser())) {
        QJsonObject args;
        QString error;
        if (!AlertView::read(context.parser(), &args, &error))
            return context.usageError(error);
        const auto reply = context.call(QStringLiteral("alerts"), args);
        if (!reply.ok()) {
            CliContext::printErr(reply.message + QLatin1Char('\n'));
            return CliContext::failureCode(reply);
        }
        const auto alerts = reply.result.value(QLatin1String("alerts")).toArray();
        CliContext::printOut(context.json() ? QString::fromUtf8(QJsonDocument(reply.result).toJson())
                                            : AlertView::format(alerts));
        return CliContext::kExitOk;
    }
    StatusView view;
    bool local = false;
    QString error;
    if (!ClpstatOptions::read(context.parser(), &view, &local, &error))
        return context.usageError(error);

    QJsonObject args;
    if (local)
        args.insert(QStringLiteral("local"), true);
    const auto status = context.call(QStringLiteral("status"), args);
    if (!status.ok()) {
        CliContext::printErr(status.message + QLatin1Char('\n'));
        return CliContext::failureCode(status);
    }
    if (context.json()) {
        CliContext::printOut(StatusFormatter(status.result).json());
        return CliContext::kExitOk;
    }

    std::optional<config::LoadedConfig> loaded;
    if (view.needsConfig()) {
        const auto reply = context.call(QStringLiteral("config"));
        if (!reply.ok()) {
            CliContext::printErr(reply.message + QLatin1Char('\n'));
            return CliContext::failureCode(reply);
        }
        // The text is Unicode now, whatever charset the file declares.
        const QByteArray bytes = config::encoding::withDeclaredEncoding(
            reply.result.value(QLatin1String("xml")).toString().toUtf8(), QStringLiteral("UTF-8"));
        loaded = config::parseConfig(bytes, QStringLiteral("the configuration from lifelined"));
        if (!loaded->document) {
            const auto texts = loaded->diagnostics.texts();
            CliContext::printErr(QStringLiteral("clpstat: cannot read the configuration from "
                                                "lifelined: %1\n")
                                     .arg(texts.value(0)));
            return CliContext::kExitFailed;
        }
    }

    const StatusFormatter formatter(status.result, loaded ? &loaded->config : nullptr);
    QString text;
    if (!formatter.render(view, &text, &error)) {
        CliContext::printErr(QStringLiteral("clpstat: %1\n").arg(error));
        return CliContext::kExitFailed;
    }
    CliContext::printOut(text);
    return CliContext::kExitOk;
}
