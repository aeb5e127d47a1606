#pragma once

#include "WizardPage.h"

class QComboBox;
class QLabel;
class QLineEdit;
class QListWidget;
class QPlainTextEdit;

namespace lifeline::builder {

class ParameterForm;
class ResourceRecoveryBox;

// 2-2 Group resources, per group: type (fip, disk, exec, volmgr) and name, the
// resources it depends on, the recovery at activation and deactivation failure,
// and the type's main parameters; an exec resource's start.sh and stop.sh in an
// editor pre-filled with the standard scripts.
class ResourcesPage : public WizardPage {
    Q_OBJECT
public:
    explicit ResourcesPage(ClusterWizard* wizard);
    void initializePage() override;
    bool concerns(const config::Diagnostic& d) const override;

private:
    config::Group* group();
    config::Resource* current();
    void showGroup();
    void addResource();
    void removeResource();
    void select();
    void apply();
    void rename(config::Resource& r, const QString& to);

    QComboBox* groupBox_;
    QListWidget* list_;
    QComboBox* newType_;
    QWidget* details_;
    QLineEdit* name_;
    QLabel* type_;
    ParameterForm* parameters_;
    QListWidget* depends_;
    ResourceRecoveryBox* recovery_;
    QWidget* scripts_;
    QPlainTextEdit* startScript_;
    QPlainTextEdit* stopScript_;
};

} // namespace lifeline::builder
