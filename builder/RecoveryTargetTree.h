#pragma once

#include "ClusterConfig.h"

#include <QTreeWidget>

namespace lifeline::builder {

// The recovery target of a monitor chosen in a tree, as the manual's Browse dialog
// shows it: the cluster (LocalServer: recover this server), its groups, and each
// group's resources.
class RecoveryTargetTree : public QTreeWidget {
    Q_OBJECT
public:
    explicit RecoveryTargetTree(QWidget* parent = nullptr);

    void setConfig(const config::ClusterConfig& config);
    // relationType cls / grp / rsc and the name (LocalServer for cls).
    void setTarget(const QString& type, const QString& name);
    QString targetType() const;
    QString targetName() const;
};

} // namespace lifeline::builder
