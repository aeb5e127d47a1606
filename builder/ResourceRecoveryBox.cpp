#include "ResourceRecoveryBox.h"

#include "FinalActionBox.h"
#include "Widgets.h"

#include <QDoubleSpinBox>
#include <QFormLayout>
#include <QLabel>
#include <QSpinBox>

namespace lifeline::builder {

ResourceRecoveryBox::ResourceRecoveryBox(QWidget* parent)
    : QWidget(parent), actRetry_(widgets::countBox(this, "actRetry", 99)),
      actFailover_(widgets::countBox(this, "actFailover", 99)),
      actAction_(new FinalActionBox(this)),
      actTimeout_(widgets::secondsBox(this, "actTimeout", 86400, 3)),
      deactRetry_(widgets::countBox(this, "deactRetry", 99)),
      deactAction_(new FinalActionBox(this)),
      deactTimeout_(widgets::secondsBox(this, "deactTimeout", 86400, 3)) {
    actAction_->setObjectName(QStringLiteral("actAction"));
    deactAction_->setObjectName(QStringLiteral("deactAction"));
    auto* form = new QFormLayout(this);
    form->addRow(new QLabel(tr("<b>Activation failure</b>"), this));
    form->addRow(tr("Retry count:"), actRetry_);
    form->addRow(tr("Failover threshold:"), actFailover_);
    form->addRow(tr("Final action:"), actAction_);
    form->addRow(tr("Timeout:"), actTimeout_);
    form->addRow(new QLabel(tr("<b>Deactivation failure</b>"), this));
    form->addRow(tr("Retry count:"), deactRetry_);
    form->addRow(tr("Final action:"), deactAction_);
    form->addRow(tr("Timeout:"), deactTimeout_);
    for (auto* box : {actRetry_, actFailover_, deactRetry_})
        connect(box, &QSpinBox::valueChanged, this, &ResourceRecoveryBox::changed);
    for (auto* box : {actTimeout_, deactTimeout_})
        connect(box, &QDoubleSpinBox::valueChanged, this, &ResourceRecoveryBox::changed);
    for (auto* box : {actAction_, deactAction_})
        connect(box, &QComboBox::currentIndexChanged, this, &ResourceRecoveryBox::changed);
}

void ResourceRecoveryBox::load(const config::Resource& r) {
    const QSignalBlocker blocker(this);
    actRetry_->setValue(r.actRetry);
    actFailover_->setValue(r.actFailoverThreshold);
    actAction_->setCode(r.actAction);
    actTimeout_->setValue(r.actTimeoutMs / 1000.0);
    deactRetry_->setValue(r.deactRetry);
    deactAction_->setCode(r.deactAction);
    deactTimeout_->setValue(r.deactTimeoutMs / 1000.0);
}

void ResourceRecoveryBox::store(config::Resource& r) const {
    r.actRetry = actRetry_->value();
    r.actFailoverThreshold = actFailover_->value();
    r.actAction = actAction_->code();
    r.actTimeoutMs = int(qRound(actTimeout_->value() * 1000));
    r.deactRetry = deactRetry_->value();
    r.deactAction = deactAction_->code();
    r.deactTimeoutMs = int(qRound(deactTimeout_->value() * 1000));
}

} // namespace lifeline::builder
