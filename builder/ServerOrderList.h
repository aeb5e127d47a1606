#pragma once

#include "ClusterConfig.h"

#include <QWidget>

class QCheckBox;
class QListWidget;

namespace lifeline::builder {

// The servers that can run a group, in failover order: "Failover is possible at
// all servers", or the checked servers of the list, top first (Up/Down move them).
// Shared by the wizard's Group page and the group property page.
class ServerOrderList : public QWidget {
    Q_OBJECT
public:
    explicit ServerOrderList(QWidget* parent = nullptr);

    // `policy` empty = all servers.
    void setPolicy(const QStringList& policy, const QList<config::Server>& byPriority);
    QStringList policy() const;

signals:
    void changed();

private:
    void move(int delta);

    QCheckBox* all_;
    QListWidget* list_;
};

} // namespace lifeline::builder
