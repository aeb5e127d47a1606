#pragma once

#include "PropertyPage.h"

class QCheckBox;
class QLabel;

namespace lifeline::builder {

class ServerOrderList;

// Group properties: name (a rename follows into the monitors that recover the
// group and into scripts/<group>/), comment, the servers that can run it in
// failover order, and the startup and failback attributes.
class GroupPropertyPage : public PropertyPage {
    Q_OBJECT
public:
    explicit GroupPropertyPage(const QString& name, QWidget* parent = nullptr);
    void load(const config::ClusterConfig& config, const Scripts& scripts) override;
    void store(config::ClusterConfig& config, Scripts& scripts) const override;
    bool concerns(const config::Diagnostic& d) const override;

private:
    QLabel* type_;
    ServerOrderList* servers_;
    QCheckBox* autoStart_;
    QCheckBox* autoFailback_;
};

} // namespace lifeline::builder
