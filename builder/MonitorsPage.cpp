#include "MonitorsPage.h"

#include "ClusterWizard.h"
#include "FinalActionBox.h"
#include "NameRules.h"
#include "ParameterForm.h"
#include "RecoveryTargetTree.h"
#include "Schema.h"
#include "Widgets.h"

#include <QComboBox>
#include <QDoubleSpinBox>
#include <QFormLayout>
#include <QGridLayout>
#include <QLineEdit>
#include <QListWidget>
#include <QPushButton>
#include <QSpinBox>

namespace lifeline::builder {

using namespace config;

namespace {

// Types whose settings the wizard can give in full: ipw and mtw take lists the
// parameter form does not edit yet.
QStringList wizardTypes() {
    QStringList out;
    for (const auto& t : schema::types(schema::ObjectClass::Monitor))
        if (t.supported && qstrcmp(t.type, "ipw") != 0 && qstrcmp(t.type, "mtw") != 0)
            out << QLatin1String(t.type);
    return out;
}

// The resource type a monitor type watches, for its default target.
QString watchedType(const QString& monitorType) {
    static const QMap<QString, QString> types{{QStringLiteral("fipw"), QStringLiteral("fip")},
                                              {QStringLiteral("vipw"), QStringLiteral("vip")},
                                              {QStringLiteral("volmgrw"), QStringLiteral("volmgr")},
                                              {QStringLiteral("pidw"), QStringLiteral("exec")}};
    return types.value(monitorType);
}

} // namespace

MonitorsPage::MonitorsPage(ClusterWizard* wizard)
    : WizardPage(wizard), list_(new QListWidget(this)), newType_(new QComboBox(this)),
      details_(new QWidget(this)), name_(new QLineEdit(this)), type_(new QLineEdit(this)),
      interval_(widgets::secondsBox(this, "monitorInterval", 999)),
      timeout_(widgets::secondsBox(this, "monitorTimeout", 999)),
      retry_(widgets::countBox(this, "monitorRetry", 999)), target_(new QComboBox(this)),
      parameters_(new ParameterForm(this)), recovery_(new RecoveryTargetTree(this)),
      restart_(widgets::countBox(this, "restartThreshold", 99)),
      failover_(widgets::countBox(this, "failoverThreshold", 99)),
      action_(new FinalActionBox(this)) {
    setTitle(tr("Monitor Resources"));
    setSubTitle(tr("The user-mode monitor is there already. Add a monitor for what must keep "
                   "working, and say what to recover when it fails."));
    list_->setObjectName(QStringLiteral("monitorList"));
    newType_->setObjectName(QStringLiteral("newMonitorType"));
    newType_->addItems(wizardTypes());
    name_->setObjectName(QStringLiteral("monitorName"));
    type_->setObjectName(QStringLiteral("monitorType"));
    type_->setReadOnly(true);
    target_->setObjectName(QStringLiteral("monitorTarget"));
    parameters_->setObjectName(QStringLiteral("monitorParameters"));
    recovery_->setMaximumHeight(120); // the page stays readable at 1280x800
    action_->setObjectName(QStringLiteral("finalAction"));
    auto* add = widgets::button(this, tr("Add"), "addMonitor");
    auto* remove = widgets::button(this, tr("Remove"), "removeMonitor");

    auto* form = new QFormLayout(details_);
    form->setContentsMargins(0, 0, 0, 0);
    form->addRow(tr("Name:"), name_);
    form->addRow(tr("Type:"), type_);
    form->addRow(tr("Interval:"), interval_);
    form->addRow(tr("Timeout:"), timeout_);
    form->addRow(tr("Retry count:"), retry_);
    form->addRow(tr("Monitor while active:"), target_);
    form->addRow(parameters_);
    form->addRow(tr("Recovery target:"), recovery_);
    form->addRow(tr("Reactivation threshold:"), restart_);
    form->addRow(tr("Failover threshold:"), failover_);
    form->addRow(tr("Final action:"), action_);

    auto* grid = new QGridLayout;
    grid->addWidget(list_, 0, 0, 4, 1);
    grid->addWidget(newType_, 0, 1);
    grid->addWidget(add, 1, 1);
    grid->addWidget(remove, 2, 1);
    grid->addWidget(details_, 0, 2, 4, 1);
    grid->setColumnStretch(0, 1);
    grid->setColumnStretch(2, 3);
    grid->setRowStretch(3, 1);
    setBody(grid);

    connect(add, &QPushButton::clicked, this, &MonitorsPage::addMonitor);
    connect(remove, &QPushButton::clicked, this, &MonitorsPage::removeMonitor);
    connect(list_, &QListWidget::currentRowChanged, this, &MonitorsPage::select);
    connect(name_, &QLineEdit::textChanged, this, &MonitorsPage::apply);
    for (auto* box : {interval_, timeout_})
        connect(box, &QDoubleSpinBox::valueChanged, this, &MonitorsPage::apply);
    for (auto* box : {retry_, restart_, failover_})
        connect(box, &QSpinBox::valueChanged, this, &MonitorsPage::apply);
    for (auto* box : {target_, static_cast<QComboBox*>(action_)})
        connect(box, &QComboBox::currentIndexChanged, this, &MonitorsPage::apply);
    connect(recovery_, &QTreeWidget::currentItemChanged, this, &MonitorsPage::apply);
    connect(parameters_, &ParameterForm::changed, this, &MonitorsPage::apply);
}

Monitor* MonitorsPage::current() {
    const int row = list_->currentRow();
    auto& monitors = draft().monitors;
    return row >= 0 && row < monitors.size() ? &monitors[row] : nullptr;
}

void MonitorsPage::initializePage() {
    {
        const QSignalBlocker blocker(list_);
        list_->clear();
        for (const auto& m : draft().monitors)
            list_->addItem(m.name);
    }
    fillChoices();
    list_->setCurrentRow(list_->count() > 0 ? 0 : -1);
    select();
}

// Targets and recovery targets from the groups and resources defined so far.
void MonitorsPage::fillChoices() {
    const QSignalBlocker b1(target_), b2(recovery_);
    target_->clear();
    target_->addItem(tr("(always)"), QString());
    for (const auto& r : draft().resources)
        target_->addItem(r.name, r.name);
    recovery_->setConfig(draft());
}

void MonitorsPage::addMonitor() {
    Monitor m;
    m.type = newType_->currentText();
    m.name = uniqueName(m.type, draft());
    // A monitor of a resource type watches the first such resource and recovers it.
    const QString watched = watchedType(m.type);
    for (const auto& r : draft().resources) {
        const auto* group = draft().groupOf(r.name);
        if (watched.isEmpty() || r.type != watched || !group ||
            group->type == QLatin1String("cluster"))
            continue;
        m.target = r.name;
        m.relationType = QStringLiteral("rsc");
        m.relationName = r.name;
        break;
    }
    draft().monitors << m;
    list_->addItem(m.name);
    list_->setCurrentRow(list_->count() - 1);
    changed();
}

void MonitorsPage::removeMonitor() {
    const int row = list_->currentRow();
    if (row < 0)
        return;
    draft().monitors.removeAt(row);
    delete list_->takeItem(row);
    select();
    changed();
}

void MonitorsPage::select() {
    const auto* m = current();
    details_->setEnabled(m);
    const QSignalBlocker b1(name_), b2(interval_), b3(timeout_), b4(retry_), b5(target_),
        b6(parameters_), b7(recovery_), b8(restart_), b9(failover_), b10(action_);
    if (!m) {
        name_->clear();
        type_->clear();
        parameters_->setType(schema::ObjectClass::Monitor, QString(), {QStringLiteral("-")}, {});
        return;
    }
    name_->setText(m->name);
    type_->setText(m->type);
    interval_->setValue(m->intervalMs / 1000.0);
    timeout_->setValue(m->timeoutMs / 1000.0);
    retry_->setValue(m->retry);
    target_->setCurrentIndex(std::max(0, target_->findData(m->target)));
    parameters_->setType(schema::ObjectClass::Monitor, m->type, {}, m->parameters);
    recovery_->setTarget(m->relationType, m->relationName);
    restart_->setValue(m->restartThreshold);
    failover_->setValue(m->failoverThreshold);
    action_->setCode(m->finalAction);
}

void MonitorsPage::apply() {
    auto* m = current();
    if (!m)
        return;
    m->name = name_->text().trimmed();
    list_->currentItem()->setText(m->name);
    m->intervalMs = int(qRound(interval_->value() * 1000));
    m->timeoutMs = int(qRound(timeout_->value() * 1000));
    m->retry = retry_->value();
    m->target = target_->currentData().toString();
    m->parameters = parameters_->values();
    m->relationType = recovery_->targetType();
    m->relationName = recovery_->targetName();
    m->restartThreshold = restart_->value();
    m->failoverThreshold = failover_->value();
    m->finalAction = action_->code();
    changed();
}

bool MonitorsPage::concerns(const Diagnostic& d) const {
    return d.path.startsWith(QLatin1String("monitor \"")) || d.isError();
}

} // namespace lifeline::builder
