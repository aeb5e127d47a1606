#pragma once

#include "CliContext.h"
#include "ControlClient.h"

#include <QCommandLineParser>
#include <QJsonObject>
#include <QString>

namespace lifeline::cli {

// clpcl: start, stop or restart the cluster service on servers, or suspend and
// resume the whole cluster (README.md). Argument checking and the wording of the
// outcome live here, apart from main(), so they can be tested without a daemon.
class ClpclCommand {
public:
    struct Request {
        QString command; // cluster.start, cluster.stop, cluster.restart, cluster.suspend, ...
        QJsonObject args;
    };
    using Outcome = CliContext::Outcome;

    static void addOptions(QCommandLineParser& parser);
    static bool read(const QCommandLineParser& parser, Request* request, QString* error);
    static bool parse(const QStringList& arguments, Request* request, QString* error);

    // "Command succeeded.", or each failed server as "<server>: <message>" and
    // "Command failed." (exit 1); no daemon: its message (exit 2).
    static Outcome outcome(const control::ControlReply& reply, bool json);
};

} // namespace lifeline::cli
