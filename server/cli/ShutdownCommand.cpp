#include "ShutdownCommand.h"

#include "CliContext.h"

#include <QJsonArray>

namespace lifeline::cli {

namespace {
const QCommandLineOption kReboot(QStringList{"r"}, "Reboot the OS instead of powering it off.");
const QCommandLineOption kHalt(QStringList{"h"}, "Halt the OS instead of powering it off.");
} // namespace

void ShutdownCommand::addOptions(QCommandLineParser& parser) {
    parser.setSingleDashWordOptionMode(QCommandLineParser::ParseAsCompactedShortOptions);
    parser.addOptions({kReboot, kHalt});
}

bool ShutdownCommand::read(const QCommandLineParser& parser, bool wholeCluster, Request* request,
                           QString* error) {
    if (parser.isSet(kReboot) && parser.isSet(kHalt)) {
        *error = QStringLiteral("give either -r (reboot) or -h (halt), not both");
        return false;
    }
    if (!parser.positionalArguments().isEmpty()) {
        *error = QStringLiteral("unexpected argument \"%1\"").arg(parser.positionalArguments()[0]);
        return false;
    }
    request->command = wholeCluster ? QStringLiteral("cluster.shutdown") : QStringLiteral("server.shutdown");
    const QString action = parser.isSet(kReboot) ? QStringLiteral("reboot")
                           : parser.isSet(kHalt) ? QStringLiteral("halt")
                                                 : QStringLiteral("shutdown");
    request->args = {{"action", action}};
    return true;
}

bool ShutdownCommand::parse(const QStringList& arguments, bool wholeCluster, Request* request, QString* error) {
    QCommandLineParser parser;
    addOptions(parser);
    const QString program = wholeCluster ? QStringLiteral("clpstdn") : QStringLiteral("clpdown");
    if (!parser.parse(QStringList{program} + arguments)) {
        *error = parser.errorText();
        return false;
    }
    return read(parser, wholeCluster, request, error);
}

ShutdownCommand::Outcome ShutdownCommand::outcome(const control::ControlReply& reply, bool json) {
    Outcome o;
    if (!CliContext::beginOutcome(reply, json, &o))
        return o;
    for (const auto& v : reply.result.value("groups").toArray()) {
        const QJsonObject g = v.toObject();
        if (!g.value("ok").toBool())
            o.err += QStringLiteral("%1: not moved (%2); it stopped with the cluster service\n")
                         .arg(g.value("group").toString(), g.value("message").toString());
    }
    const QJsonObject servers = reply.result.value("servers").toObject();
    bool failed = false;
    for (auto it = servers.begin(); it != servers.end(); ++it)
        if (!it.value().toObject().value("ok").toBool()) {
            o.err += QStringLiteral("%1: %2\n").arg(it.key(), it.value().toObject().value("message").toString());
            failed = true;
        }
    if (failed) {
        o.err += QStringLiteral("Command failed.\n");
        o.exitCode = CliContext::kExitFailed;
    } else if (!json) {
        o.out = QStringLiteral("Command succeeded.\n");
    }
    return o;
}

} // namespace lifeline::cli
