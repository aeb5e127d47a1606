#include "ObjectPaths.h"

namespace lifeline::config::paths {

QString server(const QString& name) { return QStringLiteral("server \"%1\"").arg(name); }
QString device(const QString& serverName, int id) {
    return server(serverName) + QStringLiteral(" / device %1").arg(id);
}
QString heartbeat(const QString& name) { return QStringLiteral("heartbeat \"%1\"").arg(name); }
QString np(const QString& name) { return QStringLiteral("networkpartition \"%1\"").arg(name); }
QString group(const QString& name) { return QStringLiteral("group \"%1\"").arg(name); }
QString resource(const ClusterConfig& config, const QString& name) {
    const auto* g = config.groupOf(name);
    return resourceInGroup(g ? g->name : QString(), name);
}
QString resourceInGroup(const QString& groupName, const QString& name) {
    const auto own = QStringLiteral("resource \"%1\"").arg(name);
    return groupName.isEmpty() ? own : group(groupName) + " / " + own;
}
QString monitor(const QString& name) { return QStringLiteral("monitor \"%1\"").arg(name); }

} // namespace lifeline::config::paths
