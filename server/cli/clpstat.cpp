// clpstat — show the status of the cluster in ExpressCluster's layout.
//
//   clpstat [-s | -n | -g | -m] [--long] [--local]      status (servers, groups, monitors)
//   clpstat --sv NAME | --grp NAME                      one server / one group
//   clpstat --hb [NAME] | --np [NAME] | --mon NAME | --cl   information [--detail]
//   clpstat --json                                      the daemon's status as JSON
//   clpstat --alert [--max N] [--server S] [--type T] [--module M] [--json]   the alerts
//   clpstat --lic [--json]                              the licenses registered here
//
// Exit status: 0 shown, 1 refused or unknown NAME, 2 lifelined not reachable,
// 3 invalid arguments (README.md).

#include "AlertView.h"
#include "CliContext.h"
#include "ClpstatOptions.h"
#include "ConfigReader.h"
#include "Encoding.h"
#include "LicenseView.h"
#include "StatusFormatter.h"

#include <QCoreApplication>
#include <QJsonArray>
#include <QJsonDocument>

#include <functional>

using namespace lifeline;
using namespace lifeline::cli;

int main(int argc, char** argv) {
    QCoreApplication app(argc, argv);
    CliContext context(QStringLiteral("clpstat"),
                       QStringLiteral("Show the status of the Lifeline cluster."), 30);
    ClpstatOptions::addOptions(context.parser());
    AlertView::addOptions(context.parser());
    LicenseView::addOptions(context.parser());
    if (!context.parse(app.arguments()))
        return context.exitCode();
    // --alert and --lic: one request and its answer as text (or JSON).
    const auto show = [&context](const QString& command, const QJsonObject& args,
                                 const std::function<QString(const QJsonObject&)>& format) {
        const auto reply = context.call(command, args);
        if (!reply.ok()) {
            CliContext::printErr(reply.message + QLatin1Char('\n'));
            return CliContext::failureCode(reply);
        }
        CliContext::printOut(context.json() ? QString::fromUtf8(QJsonDocument(reply.result).toJson())
                                            : format(reply.result));
        return int(CliContext::kExitOk);
    };
    if (LicenseView::requested(context.parser())) {
        QJsonObject args;
        QString error;
        if (!LicenseView::read(context.parser(), &args, &error))
            return context.usageError(error);
        return show(QStringLiteral("licenses"), args,
                    [](const QJsonObject& result) { return LicenseView::format(result, true); });
    }
    if (AlertView::requested(context.parser())) {
        QJsonObject args;
        QString error;
        if (!AlertView::read(context.parser(), &args, &error))
            return context.usageError(error);
        return show(QStringLiteral("alerts"), args, [](const QJsonObject& result) {
            return AlertView::format(result.value(QLatin1String("alerts")).toArray());
        });
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
