#include "ApiViews.h"

#include <QJsonArray>

namespace lifeline::webmgr {

namespace {

QString str(const QJsonObject& o, const char* key) { return o.value(QLatin1String(key)).toString(); }
QJsonArray arr(const QJsonObject& o, const char* key) { return o.value(QLatin1String(key)).toArray(); }

QJsonArray rows(const QJsonArray& in) {
    QJsonArray out;
    for (const auto& v : in) {
        const auto o = v.toObject();
        out.append(QJsonObject{{"name", str(o, "name")}, {"type", str(o, "type")},
                               {"comment", str(o, "comment")}, {"status", str(o, "state")}});
    }
    return out;
}

QJsonObject serverView(const QJsonObject& s, const QString& local) {
    return {{"name", str(s, "name")},
            {"status", str(s, "state")},
            {"priority", s.value(QLatin1String("priority")).toInt()},
            {"comment", str(s, "comment")},
            {"reason", str(s, "reason")},
            {"local", str(s, "name") == local},
            {"heartbeats", rows(arr(s, "heartbeats"))},
            {"networkpartitions", rows(arr(s, "np"))}};
}

QJsonObject groupView(const QJsonObject& g, bool withResources) {
    QJsonObject out{{"name", str(g, "name")},
                    {"status", str(g, "state")},
                    {"current", str(g, "current")},
                    {"comment", str(g, "comment")}};
    if (g.contains(QLatin1String("reason")))
        out.insert("reason", str(g, "reason"));
    if (withResources) {
        QJsonArray resources;
        for (const auto& v : arr(g, "resources")) {
            const auto r = v.toObject();
            resources.append(QJsonObject{{"name", str(r, "name")}, {"type", str(r, "type")},
                                         {"status", str(r, "state")}});
        }
        out.insert("resources", resources);
    }
    return out;
}

// The monitor's state on every server, in the servers' order: lifelined's `servers` map
// (its own and the other servers' reports); a server missing from it is "Unknown".
QJsonObject monitorView(const QJsonObject& m, const QJsonObject& status) {
    const QString local = str(status, "local");
    const QJsonObject perServer = m.value(QLatin1String("servers")).toObject();
    QJsonArray servers;
    for (const auto& v : arr(status, "servers")) {
        const QString name = str(v.toObject(), "name");
        const QString fallback = name == local ? str(m, "state") : QStringLiteral("Unknown");
        servers.append(QJsonObject{{"name", name}, {"status", perServer.value(name).toString(fallback)}});
    }
    return {{"name", str(m, "name")},     {"type", str(m, "type")},
            {"comment", str(m, "comment")}, {"status", str(m, "state")},
            {"detail", str(m, "detail")},   {"servers", servers}};
}

template <class F>
std::optional<QJsonObject> findIn(const QJsonArray& list, const QString& name, F view) {
    for (const auto& v : list)
        if (str(v.toObject(), "name") == name)
            return view(v.toObject());
    return std::nullopt;
}

} // namespace

QJsonObject ApiViews::cluster(const QJsonObject& status) {
    const auto c = status.value(QLatin1String("cluster")).toObject();
    return {{"cluster", QJsonObject{{"name", str(c, "name")},
                                    {"comment", str(c, "comment")},
                                    {"status", str(c, "state")},
                                    {"timeoutRatio", c.value(QLatin1String("timeoutRatio"))},
                                    {"leader", str(c, "leader")},
                                    {"local", str(status, "local")},
                                    {"config", status.value(QLatin1String("config"))}}}};
}

QJsonObject ApiViews::servers(const QJsonObject& status, bool namesOnly) {
    QJsonArray out;
    for (const auto& v : arr(status, "servers")) {
        const auto s = v.toObject();
        out.append(namesOnly ? QJsonObject{{"name", str(s, "name")}}
                             : serverView(s, str(status, "local")));
    }
    return {{"servers", out}};
}

std::optional<QJsonObject> ApiViews::server(const QJsonObject& status, const QString& name) {
    const QString local = str(status, "local");
    auto found = findIn(arr(status, "servers"), name,
                        [&](const QJsonObject& s) { return serverView(s, local); });
    if (!found)
        return std::nullopt;
    return QJsonObject{{"servers", QJsonArray{*found}}};
}

QJsonObject ApiViews::groups(const QJsonObject& status, bool withResources) {
    QJsonArray out;
    for (const auto& v : arr(status, "groups"))
        out.append(groupView(v.toObject(), withResources));
    return {{"groups", out}};
}

std::optional<QJsonObject> ApiViews::group(const QJsonObject& status, const QString& name,
                                           bool withResources) {
    auto found = findIn(arr(status, "groups"), name,
                        [&](const QJsonObject& g) { return groupView(g, withResources); });
    if (!found)
        return std::nullopt;
    return QJsonObject{{"groups", QJsonArray{*found}}};
}

std::optional<QJsonObject> ApiViews::resource(const QJsonObject& status, const QString& name) {
    for (const auto& gv : arr(status, "groups")) {
        const auto g = gv.toObject();
        for (const auto& rv : arr(g, "resources")) {
            const auto r = rv.toObject();
            if (str(r, "name") != name)
                continue;
            return QJsonObject{{"resources", QJsonArray{QJsonObject{
                                                 {"name", name},
                                                 {"type", str(r, "type")},
                                                 {"comment", str(r, "comment")},
                                                 {"status", str(r, "state")},
                                                 {"reason", str(r, "reason")},
                                                 {"group", str(g, "name")},
                                                 {"current", str(g, "current")}}}}};
        }
    }
    return std::nullopt;
}

QJsonObject ApiViews::monitors(const QJsonObject& status) {
    QJsonArray out;
    for (const auto& v : arr(status, "monitors"))
        out.append(monitorView(v.toObject(), status));
    return {{"monitors", out}};
}

std::optional<QJsonObject> ApiViews::monitor(const QJsonObject& status, const QString& name) {
    auto found = findIn(arr(status, "monitors"), name,
                        [&](const QJsonObject& m) { return monitorView(m, status); });
    if (!found)
        return std::nullopt;
    return QJsonObject{{"monitors", QJsonArray{*found}}};
}

QJsonObject ApiViews::alerts(const QJsonObject& alertsResult) {
    return {{"alerts", arr(alertsResult, "alerts")},
            {"stored", alertsResult.value(QLatin1String("stored")).toBool(true)}};
}

} // namespace lifeline::webmgr
