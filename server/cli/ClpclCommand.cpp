#include "ClpclCommand.h"

#include "CliContext.h"

#include <QJsonArray>

namespace lifeline::cli {

namespace {
const QCommandLineOption kStart(QStringList{"s"}, "Start the cluster service.");
const QCommandLineOption kStop(QStringList{"t"}, "Stop the cluster service.");
const QCommandLineOption kRestart(QStringList{"r"}, "Restart the cluster service.");
const QCommandLineOption kAll(QStringList{"a"}, "On every server of the cluster.");
const QCommandLineOption kHost(QStringList{"h"}, "On server HOST (default: this server).", "HOST");
const QCommandLineOption kSuspend(QStringList{"suspend"}, "Suspend the whole cluster.");
const QCommandLineOption kResume(QStringList{"resume"}, "Resume the whole cluster.");
const QCommandLineOption kForce(QStringList{"force"},
                                "With --suspend/--resume: even when some servers are down.");
} // namespace

void ClpclCommand::addOptions(QCommandLineParser& parser) {
    parser.setSingleDashWordOptionMode(QCommandLineParser::ParseAsCompactedShortOptions);
    parser.addOptions({kStart, kStop, kRestart, kAll, kHost, kSuspend, kResume, kForce});
}

bool ClpclCommand::read(const QCommandLineParser& parser, Request* request, QString* error) {
    struct Action {
        const QCommandLineOption& option;
        const char* command;
    };
    const Action actions[] = {{kStart, "cluster.start"},
                              {kStop, "cluster.stop"},
                              {kRestart, "cluster.restart"},
                              {kSuspend, "cluster.suspend"},
                              {kResume, "cluster.resume"}};
    QString command;
    int chosen = 0;
    for (const auto& a : actions)
        if (parser.isSet(a.option)) {
            command = QString::fromLatin1(a.command);
            ++chosen;
        }
    if (chosen != 1) {
        *error = QStringLiteral("choose one of -s, -t, -r, --suspend, --resume");
        return false;
    }
    if (!parser.positionalArguments().isEmpty()) {
        *error = QStringLiteral("unexpected argument \"%1\"").arg(parser.positionalArguments()[0]);
        return false;
    }
    const bool clusterWide = parser.isSet(kSuspend) || parser.isSet(kResume);
    const QStringList hosts = parser.values(kHost);
    QJsonObject args;
    if (clusterWide) {
        if (parser.isSet(kAll) || !hosts.isEmpty()) {
            *error = QStringLiteral("--suspend and --resume act on the whole cluster; -a and -h "
                                    "do not apply");
            return false;
        }
        if (parser.isSet(kForce))
            args.insert(QStringLiteral("force"), true);
    } else {
        if (parser.isSet(kForce)) {
            *error = QStringLiteral("--force applies to --suspend and --resume only");
            return false;
        }
        if (parser.isSet(kAll) && !hosts.isEmpty()) {
            *error = QStringLiteral("give either -a or -h HOST");
            return false;
        }
        if (parser.isSet(kAll))
            args.insert(QStringLiteral("all"), true);
        else if (!hosts.isEmpty())
            args.insert(QStringLiteral("servers"), QJsonArray::fromStringList(hosts));
        // Neither: the local server (the one whose lifelined receives the request).
    }
    request->command = command;
    request->args = args;
    return true;
}

bool ClpclCommand::parse(const QStringList& arguments, Request* request, QString* error) {
    QCommandLineParser parser;
    addOptions(parser);
    if (!parser.parse(QStringList{QStringLiteral("clpcl")} + arguments)) {
        *error = parser.errorText();
        return false;
    }
    return read(parser, request, error);
}

ClpclCommand::Outcome ClpclCommand::outcome(const control::ControlReply& reply, bool json) {
    Outcome o;
    if (!CliContext::beginOutcome(reply, json, &o))
        return o;
    const QJsonObject servers = reply.result.value(QLatin1String("servers")).toObject();
    QString failures;
    for (auto it = servers.begin(); it != servers.end(); ++it) {
        const QJsonObject s = it.value().toObject();
        if (s.value(QLatin1String("ok")).toBool())
            continue;
        QString message = s.value(QLatin1String("message")).toString();
        if (message.isEmpty())
            message = QStringLiteral("failed");
        failures += it.key() + QStringLiteral(": ") + message + QLatin1Char('\n');
    }
    if (failures.isEmpty()) {
        if (!json)
            o.out = QStringLiteral("Command succeeded.\n");
        o.exitCode = CliContext::kExitOk;
    } else {
        o.err = failures + QStringLiteral("Command failed.\n");
        o.exitCode = CliContext::kExitFailed;
    }
    return o;
}

} // namespace lifeline::cli
