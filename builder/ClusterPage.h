#pragma once

#include "WizardPage.h"

class QLineEdit;

namespace lifeline::builder {

// 1-1 Cluster definition: name, comment and the management IP address (a floating
// IP in the management group, which the WebManager is reached at).
class ClusterPage : public WizardPage {
    Q_OBJECT
public:
    static constexpr const char* kManagementGroup = "ManagementGroup";
    static constexpr const char* kManagementIp = "ManagementIP";

    explicit ClusterPage(ClusterWizard* wizard);
    void initializePage() override;
    bool concerns(const config::Diagnostic& d) const override;

private:
    void apply();

    QLineEdit* name_;
    QLineEdit* comment_;
    QLineEdit* managementIp_;
};

} // namespace lifeline::builder
