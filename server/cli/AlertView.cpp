#include "AlertView.h"

#include <QDateTime>
#include <QHash>

#include <algorithm>

namespace lifeline::cli {

namespace {
const QCommandLineOption kAlert(QStringList{"alert"},
                                "Show the alerts of every server, newest last.");
const QCommandLineOption kMax(QStringList{"max"},
                              "With --alert: the newest N alerts (default 100; 0: all).", "N");
const QCommandLineOption kServer(QStringList{"server"}, "With --alert: raised by SERVER only.",
                                 "SERVER");
const QCommandLineOption kType(QStringList{"type"},
                               "With --alert: of TYPE only (info, warning, error).", "TYPE");
const QCommandLineOption
    kModule(QStringList{"module"},
            "With --alert: of MODULE only (cluster, hb, np, group, rsc, mon, logcmd...).",
            "MODULE");
// The status and information views of clpstat, which --alert replaces.
const char* const kOtherViews[] = {"s",  "sv", "grp",    "rsc",  "mon",  "hb",
                                   "np", "cl", "detail", "long", "local"};
} // namespace

void AlertView::addOptions(QCommandLineParser& parser) {
    parser.addOptions({kAlert, kMax, kServer, kType, kModule});
}

bool AlertView::requested(const QCommandLineParser& parser) {
    return parser.isSet(kAlert) || parser.isSet(kMax) || parser.isSet(kServer) ||
           parser.isSet(kType) || parser.isSet(kModule);
}

bool AlertView::read(const QCommandLineParser& parser, QJsonObject* args, QString* error) {
    if (!parser.isSet(kAlert)) {
        *error = QStringLiteral("--max, --server, --type and --module go with --alert");
        return false;
    }
    for (const char* other : kOtherViews)
        if (parser.isSet(QLatin1String(other))) {
            *error =
                QStringLiteral("--alert cannot be combined with --%1").arg(QLatin1String(other));
            return false;
        }
    if (!parser.positionalArguments().isEmpty()) {
        *error = QStringLiteral("--alert takes no NAME");
        return false;
    }
    int max = kDefaultMax;
    if (parser.isSet(kMax)) {
        bool ok = false;
        max = parser.value(kMax).toInt(&ok);
        if (!ok || max < 0) {
            *error = QStringLiteral("--max must be a number, 0 or more");
            return false;
        }
    }
    *args = QJsonObject{{"max", max}};
    if (parser.isSet(kServer))
        args->insert("server", parser.value(kServer));
    if (parser.isSet(kModule))
        args->insert("module", parser.value(kModule));
    if (parser.isSet(kType)) {
        const QString type = parser.value(kType).toLower();
        static const QHash<QString, QString> names{{"info", "info"},       {"information", "info"},
                                                   {"warning", "warning"}, {"warn", "warning"},
                                                   {"error", "error"},     {"err", "error"}};
        if (!names.contains(type)) {
            *error = QStringLiteral("--type must be info, warning or error");
            return false;
        }
        args->insert("type", names.value(type));
    }
    return true;
}

QString AlertView::format(const QJsonArray& alerts) {
    QList<QStringList> rows{{"Time", "Server", "Module", "Type", "ID", "Message"}};
    for (const auto& v : alerts) {
        const auto a = v.toObject();
        const auto time =
            QDateTime::fromString(a.value("time").toString(), Qt::ISODateWithMs).toLocalTime();
        rows.append({time.toString(QStringLiteral("yyyy/MM/dd HH:mm:ss.zzz")),
                     a.value("server").toString(), a.value("module").toString(),
                     a.value("type").toString(), QString::number(a.value("id").toInt()),
                     a.value("message").toString()});
    }
    QList<qsizetype> widths(5, 0);
    for (const auto& row : rows)
        for (int i = 0; i < 5; ++i)
            widths[i] = std::max(widths[i], row[i].size());
    QString out;
    for (const auto& row : rows) {
        QString line;
        for (int i = 0; i < 5; ++i)
            line += row[i].leftJustified(widths[i]) + QStringLiteral("  ");
        out += (line + row[5]).trimmed() + QLatin1Char('\n');
    }
    return out;
}

} // namespace lifeline::cli
