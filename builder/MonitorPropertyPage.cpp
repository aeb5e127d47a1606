#include "MonitorPropertyPage.h"

#include "FinalActionBox.h"
#include "ObjectPaths.h"
#include "ParameterForm.h"
#include "RecoveryTargetTree.h"
#include "Widgets.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QFormLayout>
#include <QLabel>
#include <QSpinBox>
#include <QTabWidget>
#include <QVBoxLayout>

namespace lifeline::builder {

using namespace config;

MonitorPropertyPage::MonitorPropertyPage(const QString& name, QWidget* parent)
    : PropertyPage(name, parent), type_(new QLabel(this)),
      interval_(widgets::secondsBox(this, "monitorInterval", 999, 3)),
      timeout_(widgets::secondsBox(this, "monitorTimeout", 999, 3)),
      retry_(widgets::countBox(this, "monitorRetry", 999)),
      firstWait_(widgets::secondsBox(this, "monitorFirstWait", 9999, 3)),
      target_(new QComboBox(this)), parameters_(new ParameterForm(this)),
      recovery_(new RecoveryTargetTree(this)),
      restart_(widgets::countBox(this, "restartThreshold", 99)),
      failover_(widgets::countBox(this, "failoverThreshold", 99)),
      action_(new FinalActionBox(this)),
      timeoutNoRetry_(new QCheckBox(tr("A timeout is an error at once (no retry)"), this)),
      timeoutNoRecovery_(new QCheckBox(tr("No recovery after a timeout"), this)) {
    setObjectName(QStringLiteral("monitorProperties"));
    type_->setObjectName(QStringLiteral("monitorType"));
    firstWait_->setMinimum(0);
    target_->setObjectName(QStringLiteral("monitorTarget"));
    parameters_->setObjectName(QStringLiteral("monitorParameters"));
    action_->setObjectName(QStringLiteral("finalAction"));
    timeoutNoRetry_->setObjectName(QStringLiteral("timeoutNoRetry"));
    timeoutNoRecovery_->setObjectName(QStringLiteral("timeoutNoRecovery"));
    auto* tabs = new QTabWidget(this);
    auto* monitor = new QWidget(tabs);
    auto* form = new QFormLayout(monitor);
    addNameRows(form);
    form->addRow(tr("Type:"), type_);
    form->addRow(tr("Interval:"), interval_);
    form->addRow(tr("Timeout:"), timeout_);
    form->addRow(tr("Retry count:"), retry_);
    form->addRow(tr("Wait time to start monitoring:"), firstWait_);
    form->addRow(tr("Monitor while active:"), target_);
    form->addRow(timeoutNoRetry_);
    form->addRow(timeoutNoRecovery_);
    tabs->addTab(monitor, tr("Monitor"));
    tabs->addTab(parameters_, tr("Parameters"));
    auto* recovery = new QWidget(tabs);
    auto* recoveryForm = new QFormLayout(recovery);
    recoveryForm->addRow(tr("Recovery target:"), recovery_);
    recoveryForm->addRow(tr("Reactivation threshold:"), restart_);
    recoveryForm->addRow(tr("Failover threshold:"), failover_);
    recoveryForm->addRow(tr("Final action:"), action_);
    tabs->addTab(recovery, tr("Recovery Action"));
    tabs->setObjectName(QStringLiteral("monitorTabs"));
    (new QVBoxLayout(this))->addWidget(tabs);
    watch({interval_, timeout_, retry_, firstWait_, target_, parameters_, recovery_, restart_,
           failover_, action_, timeoutNoRetry_, timeoutNoRecovery_});
}

void MonitorPropertyPage::load(const ClusterConfig& c, const Scripts&) {
    const Monitor none;
    const Monitor& m = c.monitor(name_) ? *c.monitor(name_) : none;
    loadNameRows(m.comment);
    type_->setText(m.type);
    interval_->setValue(m.intervalMs / 1000.0);
    timeout_->setValue(m.timeoutMs / 1000.0);
    retry_->setValue(m.retry);
    firstWait_->setValue(m.firstWaitMs / 1000.0);
    target_->clear();
    target_->addItem(tr("(always)"), QString());
    for (const auto& r : c.resources)
        target_->addItem(r.name, r.name);
    target_->setCurrentIndex(std::max(0, target_->findData(m.target)));
    parameters_->setType(schema::ObjectClass::Monitor, m.type, {}, m.parameters);
    recovery_->setConfig(c);
    recovery_->setTarget(m.relationType, m.relationName);
    restart_->setValue(m.restartThreshold);
    failover_->setValue(m.failoverThreshold);
    action_->setCode(m.finalAction);
    timeoutNoRetry_->setChecked(m.timeoutNoRetry);
    timeoutNoRecovery_->setChecked(m.timeoutNoRecovery);
}

void MonitorPropertyPage::store(ClusterConfig& c, Scripts& scripts) const {
    auto* m = edits::find(c.monitors, storeName(c, scripts, ConfigTreeModel::Kind::Monitor));
    if (!m)
        return;
    m->comment = comment();
    m->intervalMs = int(qRound(interval_->value() * 1000));
    m->timeoutMs = int(qRound(timeout_->value() * 1000));
    m->retry = retry_->value();
    m->firstWaitMs = int(qRound(firstWait_->value() * 1000));
    m->target = target_->currentData().toString();
    parameters_->storeInto(m->parameters);
    m->relationType = recovery_->targetType();
    m->relationName = recovery_->targetName();
    m->restartThreshold = restart_->value();
    m->failoverThreshold = failover_->value();
    m->finalAction = action_->code();
    m->timeoutNoRetry = timeoutNoRetry_->isChecked();
    m->timeoutNoRecovery = timeoutNoRecovery_->isChecked();
}

bool MonitorPropertyPage::concerns(const Diagnostic& d) const {
    return d.path.startsWith(paths::monitor(editedName()));
}

} // namespace lifeline::builder
