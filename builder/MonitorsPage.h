#pragma once

#include "WizardPage.h"

class QComboBox;
class QDoubleSpinBox;
class QLineEdit;
class QListWidget;
class QSpinBox;

namespace lifeline::builder {

class RecoveryTargetTree;

class FinalActionBox;
class ParameterForm;

// 3 Monitor resources (userw is there from the start): type and name, interval and
// timeout, the resource whose activity gates monitoring (or always), the type's
// parameters, the recovery target, thresholds and final action. As the last page
// it also shows every error left anywhere, and Finish waits for none.
class MonitorsPage : public WizardPage {
    Q_OBJECT
public:
    explicit MonitorsPage(ClusterWizard* wizard);
    void initializePage() override;
    bool concerns(const config::Diagnostic& d) const override;

private:
    config::Monitor* current();
    void addMonitor();
    void removeMonitor();
    void select();
    void apply();
    void fillChoices();

    QListWidget* list_;
    QComboBox* newType_;
    QWidget* details_;
    QLineEdit* name_;
    QLineEdit* type_;
    QDoubleSpinBox* interval_;
    QDoubleSpinBox* timeout_;
    QSpinBox* retry_;
    QComboBox* target_;
    ParameterForm* parameters_;
    RecoveryTargetTree* recovery_; // cluster -> groups -> resources, as the manual's Browse
    QSpinBox* restart_;
    QSpinBox* failover_;
    FinalActionBox* action_;
};

} // namespace lifeline::builder
