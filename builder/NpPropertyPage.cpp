#include "NpPropertyPage.h"

#include "ObjectPaths.h"
#include "Widgets.h"

#include <QCheckBox>
#include <QDoubleSpinBox>
#include <QFormLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QRegularExpression>
#include <QSpinBox>
#include <QStackedWidget>

namespace lifeline::builder {

using namespace config;

namespace {

QStringList addresses(const QString& text) {
    static const QRegularExpression separators(QStringLiteral("[,\\s]+"));
    return text.split(separators, Qt::SkipEmptyParts);
}

} // namespace

NpPropertyPage::NpPropertyPage(const QString& name, QWidget* parent)
    : PropertyPage(name, parent), detailed_(new QCheckBox(tr("Detailed settings"), this)),
      targets_(new QStackedWidget(this)), simpleTargets_(new QLineEdit(this)),
      groups_(new QPlainTextEdit(this)), timing_(new QWidget(this)),
      interval_(widgets::secondsBox(this, "npInterval", 3600, 3)),
      timeout_(widgets::secondsBox(this, "npTimeout", 3600, 3)),
      retry_(widgets::countBox(this, "npRetry", 100)) {
    setObjectName(QStringLiteral("npProperties"));
    detailed_->setObjectName(QStringLiteral("npDetailed"));
    simpleTargets_->setObjectName(QStringLiteral("npTargets"));
    simpleTargets_->setPlaceholderText(tr("ping targets, separated by commas"));
    groups_->setObjectName(QStringLiteral("npTargetGroups"));
    groups_->setPlaceholderText(tr("one group a line: 198.18.0.254, 198.18.0.253"));
    targets_->addWidget(simpleTargets_);
    targets_->addWidget(groups_);
    auto* timing = new QFormLayout(timing_);
    timing->setContentsMargins(0, 0, 0, 0);
    timing->addRow(tr("Interval:"), interval_);
    timing->addRow(tr("Timeout:"), timeout_);
    timing->addRow(tr("Retry count:"), retry_);
    auto* form = new QFormLayout(this);
    form->addRow(tr("Name:"), new QLabel(name, this));
    form->addRow(detailed_);
    form->addRow(tr("Ping targets:"), targets_);
    form->addRow(timing_);
    // The other mode starts from what this one shows.
    connect(detailed_, &QCheckBox::toggled, this, [this](bool detailed) {
        const QSignalBlocker b1(simpleTargets_), b2(groups_);
        if (detailed)
            groups_->setPlainText(addresses(simpleTargets_->text()).join(QLatin1Char('\n')));
        else
            simpleTargets_->setText(
                addresses(groups_->toPlainText()).join(QStringLiteral(", ")));
        showMode();
    });
    watch({detailed_, simpleTargets_, groups_, interval_, timeout_, retry_});
}

void NpPropertyPage::showMode() {
    targets_->setCurrentIndex(detailed_->isChecked() ? 1 : 0);
    timing_->setEnabled(detailed_->isChecked());
}

void NpPropertyPage::load(const ClusterConfig& c, const Scripts&) {
    const NpResource defaults;
    NpResource np = defaults;
    for (const auto& r : c.npResources)
        if (r.name == name_)
            np = r;
    deviceId_ = np.deviceId;
    QStringList simple, lines;
    bool grouped = false;
    for (const auto& group : np.targetGroups) {
        simple << group;
        lines << group.join(QStringLiteral(", "));
        grouped = grouped || group.size() > 1;
    }
    simpleTargets_->setText(simple.join(QStringLiteral(", ")));
    groups_->setPlainText(lines.join(QLatin1Char('\n')));
    interval_->setValue(np.intervalMs / 1000.0);
    timeout_->setValue(np.timeoutMs / 1000.0);
    retry_->setValue(np.retry);
    // Simple mode can say it only with one address a group and the default timing.
    detailed_->setChecked(grouped || np.intervalMs != defaults.intervalMs ||
                          np.timeoutMs != defaults.timeoutMs || np.retry != defaults.retry);
    showMode();
}

void NpPropertyPage::store(ClusterConfig& c, Scripts&) const {
    auto* np = edits::find(c.npResources, name_);
    if (!np)
        return;
    np->targetGroups.clear();
    if (detailed_->isChecked()) {
        for (const auto& line : groups_->toPlainText().split(QLatin1Char('\n')))
            if (const auto group = addresses(line); !group.isEmpty())
                np->targetGroups << group;
        np->intervalMs = int(qRound(interval_->value() * 1000));
        np->timeoutMs = int(qRound(timeout_->value() * 1000));
        np->retry = retry_->value();
        return;
    }
    for (const auto& ip : addresses(simpleTargets_->text()))
        np->targetGroups << QStringList{ip};
    const NpResource defaults;
    np->intervalMs = defaults.intervalMs;
    np->timeoutMs = defaults.timeoutMs;
    np->retry = defaults.retry;
}

bool NpPropertyPage::concerns(const Diagnostic& d) const {
    return d.path.startsWith(paths::np(name_)) ||
           d.path.startsWith(QStringLiteral("cluster / ") + paths::np(name_)) ||
           d.path.endsWith(QStringLiteral(" / device %1").arg(deviceId_));
}

} // namespace lifeline::builder
