#pragma once

#include "CliContext.h"

#include <QCommandLineParser>
#include <QJsonObject>
#include <QList>
#include <QString>

namespace lifeline::cli {

// clpgrp and clprsc: argument checking and the requests they make, apart from
// main() so that they can be tested without a daemon (README.md).
class GroupCommand {
public:
    struct Call {
        QString command; // group.start, group.stop, group.move, resource.start, ...
        QJsonObject args;
    };
    struct Plan {
        QList<Call> calls;          // run one after the other
        bool allGroups = false;     // -s/-t without a group: calls are made from the status
        bool printCurrent = false;  // clpgrp -n GROUP
        QString group;              // for -n and the per-group plans
        QString host;               // -h
        QString operation;          // start / stop
    };

    static void addClpgrpOptions(QCommandLineParser& parser);
    static bool readClpgrp(const QCommandLineParser& parser, Plan* plan, QString* error);
    static void addClprscOptions(QCommandLineParser& parser);
    static bool readClprsc(const QCommandLineParser& parser, Plan* plan, QString* error);

    // -s/-t without a group: one call per group of the status (`status` of the
    // local lifelined): start every group that is offline, stop every group that
    // is active on the host (or anywhere, without -h).
    static QList<Call> callsForAllGroups(const Plan& plan, const QJsonObject& status);

    // Runs the plan against the local lifelined; prints and returns the exit code.
    static int run(CliContext& context, const Plan& plan);
};

} // namespace lifeline::cli
