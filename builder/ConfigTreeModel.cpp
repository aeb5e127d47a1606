#include "ConfigTreeModel.h"

namespace lifeline::builder {

using namespace config;

namespace {

QStandardItem* makeItem(const QString& text, ConfigTreeModel::Kind kind, const QString& name) {
    auto* i = new QStandardItem(text);
    i->setEditable(false);
    i->setData(int(kind), ConfigTreeModel::KindRole);
    i->setData(name, ConfigTreeModel::NameRole);
    return i;
}

QStandardItem* folder(QStandardItem* parent, const QString& text) {
    auto* f = makeItem(text, ConfigTreeModel::Kind::Folder, QString());
    parent->appendRow(f);
    return f;
}

} // namespace

ConfigTreeModel::ConfigTreeModel(QObject* parent) : QStandardItemModel(parent) {}

void ConfigTreeModel::rebuild(const ClusterConfig& config) {
    clear();
    setHorizontalHeaderLabels({tr("Configuration")});
    auto* cluster =
        makeItem(config.cluster.name.isEmpty() ? tr("(unnamed cluster)") : config.cluster.name,
                 Kind::Cluster, config.cluster.name);
    appendRow(cluster);
    auto* servers = folder(cluster, tr("Servers"));
    const auto byPriority = config.serversByPriority();
    for (const auto& s : byPriority)
        servers->appendRow(
            makeItem(&s == &byPriority.first() ? tr("%1 (master)").arg(s.name) : s.name,
                     Kind::Server, s.name));
    auto* interconnects = folder(cluster, tr("Interconnects"));
    for (const auto& hb : config.heartbeats)
        interconnects->appendRow(
            makeItem(QStringLiteral("%1 (%2)").arg(hb.name, hb.type), Kind::Heartbeat, hb.name));
    for (const auto& np : config.npResources)
        interconnects->appendRow(
            makeItem(QStringLiteral("%1 (%2)").arg(np.name, np.type), Kind::NpResource, np.name));
    auto* groups = folder(cluster, tr("Groups"));
    for (const auto& g : config.groups) {
        auto* gi = makeItem(g.name, Kind::Group, g.name);
        groups->appendRow(gi);
        for (const auto& ref : g.resourceRefs) {
            const auto [type, name] = splitResourceRef(ref);
            gi->appendRow(
                makeItem(QStringLiteral("%1 (%2)").arg(name, type), Kind::Resource, name));
        }
    }
    auto* monitors = folder(cluster, tr("Monitors"));
    for (const auto& m : config.monitors)
        monitors->appendRow(
            makeItem(QStringLiteral("%1 (%2)").arg(m.name, m.type), Kind::Monitor, m.name));
}

} // namespace lifeline::builder
