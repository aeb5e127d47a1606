#pragma once

#include "PropertyPage.h"

class QDoubleSpinBox;
class QListWidget;
class QSpinBox;

namespace lifeline::builder {

class FinalActionBox;

// Cluster Properties: name and comment; the master server (the order of the
// servers, top = master); heartbeat interval and timeout and the server sync wait
// time; the ports; the action of a server isolated by network partition.
class ClusterPropertyPage : public PropertyPage {
    Q_OBJECT
public:
    explicit ClusterPropertyPage(QWidget* parent = nullptr);
    void load(const config::ClusterConfig& config, const Scripts& scripts) override;
    void store(config::ClusterConfig& config, Scripts& scripts) const override;
    bool concerns(const config::Diagnostic& d) const override;
    QString editedName() const override;

private:
    QListWidget* servers_;
    QDoubleSpinBox* interval_;
    QDoubleSpinBox* timeout_;
    QDoubleSpinBox* syncWait_;
    QSpinBox* internalPort_;
    QSpinBox* heartbeatPort_;
    QSpinBox* kernelHeartbeatPort_;
    QSpinBox* webmgrPort_;
    FinalActionBox* npAction_;
};

} // namespace lifeline::builder
