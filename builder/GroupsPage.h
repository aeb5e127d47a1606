#pragma once

#include "WizardPage.h"

class QCheckBox;
class QLineEdit;
class QListWidget;

namespace lifeline::builder {

class ServerOrderList;

// 2-1 Failover groups: the list of groups; for the selected one its name, the
// servers that can run it in failover order ("all servers" or an ordered choice),
// and its startup and failback attributes.
class GroupsPage : public WizardPage {
    Q_OBJECT
public:
    explicit GroupsPage(ClusterWizard* wizard);
    void initializePage() override;
    bool concerns(const config::Diagnostic& d) const override;

private:
    config::Group* current();
    void addGroup();
    void removeGroup();
    void select();
    void apply();

    QListWidget* groups_;
    QLineEdit* name_;
    ServerOrderList* servers_;
    QCheckBox* autoStart_;
    QCheckBox* autoFailback_;
    QWidget* details_;
};

} // namespace lifeline::builder
