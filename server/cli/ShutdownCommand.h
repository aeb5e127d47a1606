#pragma once

#include "CliContext.h"
#include "ControlClient.h"

#include <QCommandLineParser>
#include <QJsonObject>
#include <QString>

namespace lifeline::cli {

// clpstdn (the whole cluster) and clpdown (this server): stop the cluster service and shut
// the OS down (README.md). Without an option the OS powers off; -r reboots, -h halts.
// Argument rules and wording live here, apart from main(), so they can be tested alone.
class ShutdownCommand {
public:
    struct Request {
        QString command; // cluster.shutdown (clpstdn) or server.shutdown (clpdown)
        QJsonObject args; // {"action": "shutdown" | "reboot" | "halt"}
    };
    using Outcome = CliContext::Outcome;

    static void addOptions(QCommandLineParser& parser);
    // `wholeCluster`: clpstdn, else clpdown.
    static bool read(const QCommandLineParser& parser, bool wholeCluster, Request* request, QString* error);
    static bool parse(const QStringList& arguments, bool wholeCluster, Request* request, QString* error);

    // "Command succeeded." (groups that could not be moved and servers that could not be shut
    // down are named on stderr; the latter make it "Command failed.", exit 1).
    static Outcome outcome(const control::ControlReply& reply, bool json);
};

} // namespace lifeline::cli
