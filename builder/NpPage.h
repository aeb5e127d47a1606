#pragma once

#include "WizardPage.h"

class QCheckBox;
class QDoubleSpinBox;
class QLineEdit;
class QSpinBox;

namespace lifeline::builder {

class FinalActionBox;

// 1-4 NP resolution: ping mode with its targets (any one answering is enough) and,
// in detail, the ping interval, timeout and retries; the action of a server that
// finds itself isolated.
class NpPage : public WizardPage {
    Q_OBJECT
public:
    static constexpr int kPingDevice = 10200; // ExpressCluster's ping device id

    explicit NpPage(ClusterWizard* wizard);
    void initializePage() override;
    bool concerns(const config::Diagnostic& d) const override;

private:
    void apply();

    QCheckBox* pingMode_;
    QLineEdit* targets_;
    QDoubleSpinBox* interval_;
    QDoubleSpinBox* timeout_;
    QSpinBox* retry_;
    FinalActionBox* action_;
};

} // namespace lifeline::builder
