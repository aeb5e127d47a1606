#include "GroupCommand.h"

#include <QJsonArray>
#include <QJsonDocument>

namespace lifeline::cli {

void GroupCommand::addClpgrpOptions(QCommandLineParser& parser) {
    parser.addOption({QStringLiteral("s"), QStringLiteral("Start GROUP (every group when none is named).")});
    parser.addOption({QStringLiteral("t"), QStringLiteral("Stop GROUP (every group when none is named).")});
    parser.addOption({QStringLiteral("m"), QStringLiteral("Move GROUP to HOST (default: the next server of its list).")});
    parser.addOption({QStringLiteral("n"), QStringLiteral("Print the server GROUP is active on.")});
    parser.addOption({QStringLiteral("c"), QStringLiteral("Clear GROUP's failures and retry it.")});
    parser.addOption({QStringLiteral("h"), QStringLiteral("Server to start on / stop on / move to."),
                      QStringLiteral("HOST")});
    parser.addOption({QStringLiteral("f"), QStringLiteral("Accepted for compatibility (no effect).")});
    parser.addPositionalArgument(QStringLiteral("GROUP"), QStringLiteral("Failover group name."));
}

bool GroupCommand::readClpgrp(const QCommandLineParser& parser, Plan* plan, QString* error) {
    QStringList ops;
    for (const auto& o : {"s", "t", "m", "n", "c"})
        if (parser.isSet(QLatin1String(o)))
            ops << QLatin1String(o);
    if (ops.size() != 1) {
        *error = QStringLiteral("give exactly one of -s, -t, -m, -n, -c");
        return false;
    }
    const QStringList args = parser.positionalArguments();
    if (args.size() > 1) {
        *error = QStringLiteral("one group at a time (got %1)").arg(args.join(QLatin1Char(' ')));
        return false;
    }
    plan->group = args.value(0);
    plan->host = parser.value(QStringLiteral("h"));
    const QString op = ops.first();
    if ((op == QLatin1String("m") || op == QLatin1String("n") || op == QLatin1String("c")) && plan->group.isEmpty()) {
        *error = QStringLiteral("-%1 needs a group name").arg(op);
        return false;
    }
    if (op == QLatin1String("n")) {
        plan->printCurrent = true;
        return true;
    }
    const QString command = op == QLatin1String("s")   ? QStringLiteral("group.start")
                            : op == QLatin1String("t") ? QStringLiteral("group.stop")
                            : op == QLatin1String("m") ? QStringLiteral("group.move")
                                                       : QStringLiteral("group.clear");
    plan->operation = command.mid(6);
    if (plan->group.isEmpty()) {
        plan->allGroups = true;
        return true;
    }
    QJsonObject args_{{"group", plan->group}};
    if (!plan->host.isEmpty())
        args_.insert("server", plan->host);
    plan->calls << Call{command, args_};
    return true;
}

void GroupCommand::addClprscOptions(QCommandLineParser& parser) {
    parser.addOption({QStringLiteral("s"), QStringLiteral("Start RESOURCE.")});
    parser.addOption({QStringLiteral("t"), QStringLiteral("Stop RESOURCE.")});
    parser.addOption({QStringLiteral("h"), QStringLiteral("Server to run it on (default: where its group is, else here)."),
                      QStringLiteral("HOST")});
    parser.addOption({QStringLiteral("f"), QStringLiteral("Accepted for compatibility (no effect).")});
    parser.addPositionalArgument(QStringLiteral("RESOURCE"), QStringLiteral("Group resource name."));
}

bool GroupCommand::readClprsc(const QCommandLineParser& parser, Plan* plan, QString* error) {
    if (parser.isSet(QStringLiteral("s")) == parser.isSet(QStringLiteral("t"))) {
        *error = QStringLiteral("give exactly one of -s, -t");
        return false;
    }
    const QStringList args = parser.positionalArguments();
    if (args.size() != 1) {
        *error = QStringLiteral("name one group resource");
        return false;
    }
    QJsonObject a{{"resource", args.first()}};
    if (parser.isSet(QStringLiteral("h")))
        a.insert("server", parser.value(QStringLiteral("h")));
    plan->calls << Call{parser.isSet(QStringLiteral("s")) ? QStringLiteral("resource.start")
                                                          : QStringLiteral("resource.stop"),
                        a};
    return true;
}

QList<GroupCommand::Call> GroupCommand::callsForAllGroups(const Plan& plan, const QJsonObject& status) {
    QList<Call> calls;
    const QString local = status.value("local").toString();
    for (const auto& v : status.value("groups").toArray()) {
        const auto g = v.toObject();
        const QString name = g.value("name").toString();
        const QString current = g.value("current").toString();
        if (plan.operation == QLatin1String("start") && current.isEmpty()) {
            calls << Call{QStringLiteral("group.start"),
                          {{"group", name}, {"server", plan.host.isEmpty() ? local : plan.host}}};
        } else if (plan.operation == QLatin1String("stop") && !current.isEmpty() &&
                   (plan.host.isEmpty() ? current == local : current == plan.host)) {
            calls << Call{QStringLiteral("group.stop"), {{"group", name}}};
        }
    }
    return calls;
}

int GroupCommand::run(CliContext& context, const Plan& plan) {
    QList<Call> calls = plan.calls;
    if (plan.allGroups || plan.printCurrent) {
        const auto status = context.call(QStringLiteral("status"));
        if (!status.ok()) {
            CliContext::printErr(status.message + QLatin1Char('\n'));
            return CliContext::failureCode(status);
        }
        if (plan.printCurrent) {
            for (const auto& v : status.result.value("groups").toArray()) {
                const auto g = v.toObject();
                if (g.value("name").toString() != plan.group)
                    continue;
                const QString current = g.value("current").toString();
                if (context.json())
                    CliContext::printOut(QString::fromUtf8(QJsonDocument(QJsonObject{
                        {"group", plan.group}, {"current", current}, {"state", g.value("state")}}).toJson()));
                else if (!current.isEmpty())
                    CliContext::printOut(current + QLatin1Char('\n'));
                if (current.isEmpty()) {
                    if (!context.json())
                        CliContext::printErr(QStringLiteral("Group %1 is not active on any server.\n").arg(plan.group));
                    return CliContext::kExitFailed;
                }
                return CliContext::kExitOk;
            }
            CliContext::printErr(QStringLiteral("no group named \"%1\" in the cluster\n").arg(plan.group));
            return CliContext::kExitFailed;
        }
        calls = callsForAllGroups(plan, status.result);
    }
    QJsonArray results;
    int code = CliContext::kExitOk;
    for (const auto& call : calls) {
        const auto reply = context.call(call.command, call.args);
        const QString what = call.args.value("group").toString(call.args.value("resource").toString());
        results.append(QJsonObject{{"command", call.command}, {"args", call.args}, {"ok", reply.ok()},
                                   {"message", reply.ok() ? reply.result.value("message").toString() : reply.message}});
        if (!reply.ok()) {
            if (!context.json())
                CliContext::printErr(QStringLiteral("%1: %2\n").arg(what, reply.message));
            code = code == CliContext::kExitOk ? CliContext::failureCode(reply) : code;
        }
    }
    if (context.json()) {
        CliContext::printOut(QString::fromUtf8(QJsonDocument(QJsonObject{{"ok", code == 0}, {"results", results}}).toJson()));
    } else if (code == CliContext::kExitOk) {
        CliContext::printSucceeded();
    } else {
        CliContext::printErr(QStringLiteral("Command failed.\n"));
    }
    return code;
}

} // namespace lifeline::cli
