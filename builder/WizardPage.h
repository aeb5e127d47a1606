#pragma once

#include "ClusterConfig.h"
#include "Diagnostic.h"

#include <QWizardPage>

class QLayout;
class QScrollArea;

namespace lifeline::builder {

class ClusterWizard;
class ValidationLabel;

// A page of the Cluster Generation Wizard. Pages edit the wizard's draft
// configuration directly and call changed(); the wizard then checks the whole
// draft as clpcfchk would and every page shows the findings that concern it.
// Next (Finish) is disabled while an error concerns the page.
class WizardPage : public QWizardPage {
    Q_OBJECT
public:
    explicit WizardPage(ClusterWizard* wizard);

    bool isComplete() const override;
    // Which findings belong to this page.
    virtual bool concerns(const config::Diagnostic& d) const = 0;
    void showDiagnostics(const config::Diagnostics& all);
    ValidationLabel* validation() const { return validation_; }

protected:
    config::ClusterConfig& draft();
    ClusterWizard* clusterWizard() const { return wizard_; }
    void changed();
    // The page's own widgets above the validation messages.
    void setBody(QLayout* body);

private:
    ClusterWizard* wizard_;
    ValidationLabel* validation_;
    QScrollArea* scroll_ = nullptr;
};

} // namespace lifeline::builder
