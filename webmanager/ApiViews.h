#pragma once

#include <QJsonObject>
#include <QString>
#include <optional>

namespace lifeline::webmgr {

// The /api/v1 bodies (ExpressCluster's REST API shapes: lists under "cluster",
// "servers", "groups", "resources", "monitors", "alerts"; a state is "status") made from
// lifelined's `status` and `alerts` answers (server/control/PROTOCOL.md). Pure: no I/O.
class ApiViews {
public:
    static QJsonObject cluster(const QJsonObject& status);
    // `names`: only the names (?select=name).
    static QJsonObject servers(const QJsonObject& status, bool namesOnly);
    static std::optional<QJsonObject> server(const QJsonObject& status, const QString& name);
    // `resources`: with each group's resources (?select=resources).
    static QJsonObject groups(const QJsonObject& status, bool withResources);
    static std::optional<QJsonObject> group(const QJsonObject& status, const QString& name,
                                            bool withResources);
    static std::optional<QJsonObject> resource(const QJsonObject& status, const QString& name);
    // Per monitor, its state on every server (lifelined's `servers` map: its own state
    // and what the other servers last reported; "Unknown" where the map has none).
    static QJsonObject monitors(const QJsonObject& status);
    static std::optional<QJsonObject> monitor(const QJsonObject& status, const QString& name);
    static QJsonObject alerts(const QJsonObject& alertsResult);
};

} // namespace lifeline::webmgr
