#pragma once

#include "PropertyPage.h"

class QCheckBox;
class QComboBox;
class QDoubleSpinBox;
class QLabel;
class QSpinBox;

namespace lifeline::builder {

class FinalActionBox;
class ParameterForm;
class RecoveryTargetTree;

// Monitor resource properties: name, comment; interval, timeout, retries, the wait
// before the first check and the resource whose activity gates monitoring; every
// parameter of its type; the recovery target (chosen in a tree), the reactivation
// and failover thresholds, the final action and the timeout handling.
class MonitorPropertyPage : public PropertyPage {
    Q_OBJECT
public:
    explicit MonitorPropertyPage(const QString& name, QWidget* parent = nullptr);
    void load(const config::ClusterConfig& config, const Scripts& scripts) override;
    void store(config::ClusterConfig& config, Scripts& scripts) const override;
    bool concerns(const config::Diagnostic& d) const override;

private:
    QLabel* type_;
    QDoubleSpinBox* interval_;
    QDoubleSpinBox* timeout_;
    QSpinBox* retry_;
    QDoubleSpinBox* firstWait_;
    QComboBox* target_;
    ParameterForm* parameters_;
    RecoveryTargetTree* recovery_;
    QSpinBox* restart_;
    QSpinBox* failover_;
    FinalActionBox* action_;
    QCheckBox* timeoutNoRetry_;
    QCheckBox* timeoutNoRecovery_;
};

} // namespace lifeline::builder
