#include "TimeoutRatioCommand.h"

#include "CliContext.h"

#include <QDateTime>
#include <QRegularExpression>

namespace lifeline::cli {

namespace {
const QCommandLineOption kRatio(QStringList{"r"}, "Multiply every timeout by RATIO (1 to 10000; 1 resets).",
                                "RATIO");
const QCommandLineOption kTime(QStringList{"t"}, "For TIME: Ns, Nm, Nh or Nd (at most 30 days).", "TIME");
const QCommandLineOption kReset(QStringList{"i"}, "Set the timeouts back to the configured ones.");
const QCommandLineOption kShow(QStringList{"s"}, "Show the current timeout ratio.");
} // namespace

std::optional<qint64> TimeoutRatioCommand::parsePeriod(const QString& text) {
    static const QRegularExpression pattern(QStringLiteral("^([0-9]{1,9})([smhd])$"));
    const auto m = pattern.match(text.trimmed());
    if (!m.hasMatch())
        return std::nullopt;
    const qint64 n = m.captured(1).toLongLong();
    const QChar unit = m.captured(2).at(0);
    const qint64 factor = unit == u's' ? 1 : unit == u'm' ? 60 : unit == u'h' ? 3600 : 86400;
    return n * factor;
}

QString TimeoutRatioCommand::formatRemaining(qint64 ms) {
    const qint64 s = (std::max<qint64>(0, ms) + 999) / 1000;
    const QString clock = QStringLiteral("%1:%2:%3")
                              .arg((s / 3600) % 24, 2, 10, QLatin1Char('0'))
                              .arg((s / 60) % 60, 2, 10, QLatin1Char('0'))
                              .arg(s % 60, 2, 10, QLatin1Char('0'));
    return s >= 86400 ? QStringLiteral("%1d %2").arg(s / 86400).arg(clock) : clock;
}

void TimeoutRatioCommand::addOptions(QCommandLineParser& parser) {
    parser.setSingleDashWordOptionMode(QCommandLineParser::ParseAsCompactedShortOptions);
    parser.addOptions({kRatio, kTime, kReset, kShow});
}

bool TimeoutRatioCommand::read(const QCommandLineParser& parser, Request* request, QString* error) {
    const int chosen = int(parser.isSet(kRatio)) + int(parser.isSet(kReset)) + int(parser.isSet(kShow));
    if (chosen != 1) {
        *error = QStringLiteral("choose one of -r RATIO -t TIME, -i, -s");
        return false;
    }
    if (!parser.positionalArguments().isEmpty()) {
        *error = QStringLiteral("unexpected argument \"%1\"").arg(parser.positionalArguments()[0]);
        return false;
    }
    if (parser.isSet(kTime) && !parser.isSet(kRatio)) {
        *error = QStringLiteral("-t applies to -r only");
        return false;
    }
    request->args = {};
    if (parser.isSet(kShow)) {
        request->command = QStringLiteral("timeoutratio.show");
        return true;
    }
    if (parser.isSet(kReset)) {
        request->command = QStringLiteral("timeoutratio.reset");
        return true;
    }
    // ExpressCluster's wording for the ratio and the period.
    bool ok = false;
    const int ratio = parser.value(kRatio).toInt(&ok);
    if (!ok || ratio < 1) {
        *error = QStringLiteral("Scale factor must be specified by integer value of 1 or more.");
        return false;
    }
    if (ratio > kMaxRatio) {
        *error = QStringLiteral("Specify scale factor in a range less than the maximum scale factor (%1).")
                     .arg(kMaxRatio);
        return false;
    }
    if (ratio == 1) {
        // As in ExpressCluster: ratio 1 is -i, and takes no period.
        if (parser.isSet(kTime)) {
            *error = QStringLiteral("-t cannot be given with the ratio 1 (it resets the timeouts)");
            return false;
        }
        request->command = QStringLiteral("timeoutratio.reset");
        return true;
    }
    if (!parser.isSet(kTime)) {
        *error = QStringLiteral("give the extension period with -t TIME (e.g. -t 1h)");
        return false;
    }
    const auto seconds = parsePeriod(parser.value(kTime));
    if (!seconds || *seconds <= 0) {
        *error = QStringLiteral("Set the correct extension period. Ex) 30s, 2m, 3h, 4d");
        return false;
    }
    if (*seconds > kMaxPeriodSeconds) {
        *error = QStringLiteral("Set the extension period in a range less than the maximum extension "
                                "period (30d).");
        return false;
    }
    request->command = QStringLiteral("timeoutratio.set");
    request->args = {{"ratio", ratio}, {"seconds", double(*seconds)}};
    return true;
}

bool TimeoutRatioCommand::parse(const QStringList& arguments, Request* request, QString* error) {
    QCommandLineParser parser;
    addOptions(parser);
    if (!parser.parse(QStringList{QStringLiteral("clptoratio")} + arguments)) {
        *error = parser.errorText();
        return false;
    }
    return read(parser, request, error);
}

TimeoutRatioCommand::Outcome TimeoutRatioCommand::outcome(const Request& request,
                                                          const control::ControlReply& reply, bool json) {
    Outcome o;
    if (!CliContext::beginOutcome(reply, json, &o))
        return o;
    const QJsonObject& r = reply.result;
    if (request.command == QLatin1String("timeoutratio.show")) {
        if (json)
            return o;
        o.out = QStringLiteral("present toratio : %1\n").arg(r.value("ratio").toInt(1));
        const qint64 left = qint64(r.value("remainingMs").toDouble());
        if (r.value("ratio").toInt(1) > 1 && left > 0) {
            const auto until = QDateTime::fromString(r.value("expires").toString(), Qt::ISODateWithMs);
            o.out += QStringLiteral("remaining time  : %1 (until %2, set on %3)\n")
                         .arg(formatRemaining(left),
                              until.toLocalTime().toString(QStringLiteral("yyyy/MM/dd HH:mm:ss")),
                              r.value("origin").toString());
        }
        return o;
    }
    // A server that was not reached is no failure: it learns the setting when it joins.
    const QJsonObject servers = r.value("servers").toObject();
    for (auto it = servers.begin(); it != servers.end(); ++it)
        if (!it.value().toObject().value("ok").toBool())
            o.err += QStringLiteral("%1: %2\n").arg(it.key(), it.value().toObject().value("message").toString());
    if (!json)
        o.out = QStringLiteral("Command succeeded.\n");
    return o;
}

} // namespace lifeline::cli
