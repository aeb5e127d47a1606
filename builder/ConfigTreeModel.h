#pragma once

#include "ClusterConfig.h"

#include <QStandardItemModel>

namespace lifeline::builder {

// The Builder's tree: the cluster, then Servers, Interconnects, Groups (each with
// its resources) and Monitors. Each object's item carries its kind and name.
class ConfigTreeModel : public QStandardItemModel {
    Q_OBJECT
public:
    enum class Kind { Cluster, Folder, Server, Heartbeat, NpResource, Group, Resource, Monitor };
    static constexpr int KindRole = Qt::UserRole + 1;
    static constexpr int NameRole = Qt::UserRole + 2;

    explicit ConfigTreeModel(QObject* parent = nullptr);
    void rebuild(const config::ClusterConfig& config);
};

} // namespace lifeline::builder
