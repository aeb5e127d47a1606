#include "WizardPage.h"

#include "ClusterWizard.h"
#include "ValidationLabel.h"

#include <QScrollArea>
#include <QVBoxLayout>

namespace lifeline::builder {

WizardPage::WizardPage(ClusterWizard* wizard)
    : QWizardPage(wizard), wizard_(wizard), validation_(new ValidationLabel(this)) {}

void WizardPage::setBody(QLayout* body) {
    auto* layout = new QVBoxLayout(this);
    layout->addLayout(body, 1);
    scroll_ = new QScrollArea(this);
    scroll_->setWidget(validation_);
    scroll_->setWidgetResizable(true);
    scroll_->setMaximumHeight(110);
    scroll_->setFrameShape(QFrame::NoFrame);
    scroll_->setVisible(false);
    layout->addWidget(scroll_);
}

bool WizardPage::isComplete() const {
    return !validation_->hasErrors();
}

void WizardPage::showDiagnostics(const config::Diagnostics& all) {
    validation_->display(all, [this](const config::Diagnostic& d) { return concerns(d); });
    if (scroll_)
        scroll_->setVisible(!validation_->messages().isEmpty());
    emit completeChanged();
}

config::ClusterConfig& WizardPage::draft() {
    return wizard_->draft();
}

void WizardPage::changed() {
    wizard_->recheck();
}

} // namespace lifeline::builder
