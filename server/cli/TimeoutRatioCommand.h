#pragma once

#include "CliContext.h"
#include "ControlClient.h"

#include <QCommandLineParser>
#include <QJsonObject>
#include <QString>

#include <optional>

namespace lifeline::cli {

// clptoratio: multiply every heartbeat and monitor timeout of the cluster for a while
// (README.md). Argument rules and wording live here, apart from main(), so they can be
// tested without a daemon.
class TimeoutRatioCommand {
public:
    static constexpr int kMaxRatio = 10000;
    static constexpr qint64 kMaxPeriodSeconds = 30LL * 24 * 3600;

    struct Request {
        QString command; // timeoutratio.set, timeoutratio.reset, timeoutratio.show
        QJsonObject args;
    };
    using Outcome = CliContext::Outcome;

    // "30s", "10m", "1h", "2d" (one number and one unit; seconds are Lifeline's addition)
    // -> seconds; nothing for anything else.
    static std::optional<qint64> parsePeriod(const QString& text);
    // "1:02:03" / "2d 01:00:00": the time left, for -s.
    static QString formatRemaining(qint64 ms);

    static void addOptions(QCommandLineParser& parser);
    static bool read(const QCommandLineParser& parser, Request* request, QString* error);
    static bool parse(const QStringList& arguments, Request* request, QString* error);

    // -r / -i: "Command succeeded." (a server not reached is named on stderr: it learns the
    // setting when it joins); -s: "present toratio : N" and the time left.
    static Outcome outcome(const Request& request, const control::ControlReply& reply, bool json);
};

} // namespace lifeline::cli
