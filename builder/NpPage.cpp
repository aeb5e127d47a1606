#include "NpPage.h"

#include "ClusterWizard.h"
#include "FinalActionBox.h"
#include "Widgets.h"

#include <QCheckBox>
#include <QDoubleSpinBox>
#include <QFormLayout>
#include <QGroupBox>
#include <QLineEdit>
#include <QRegularExpression>
#include <QSpinBox>

namespace lifeline::builder {

using namespace config;

namespace {
const QString kPingNp = QStringLiteral("pingnp");
} // namespace

NpPage::NpPage(ClusterWizard* wizard)
    : WizardPage(wizard), pingMode_(new QCheckBox(tr("PING mode"), this)),
      targets_(new QLineEdit(this)), interval_(widgets::secondsBox(this, "pingInterval", 3600)),
      timeout_(widgets::secondsBox(this, "pingTimeout", 3600)),
      retry_(widgets::countBox(this, "pingRetry", 100)), action_(new FinalActionBox(this)) {
    setTitle(tr("NP Resolution"));
    setSubTitle(tr("When every heartbeat path is lost, a server that still reaches a ping "
                   "target survives; one that reaches none is isolated and takes the action "
                   "below."));
    pingMode_->setObjectName(QStringLiteral("pingMode"));
    targets_->setObjectName(QStringLiteral("pingTargets"));
    targets_->setPlaceholderText(tr("ping targets, separated by commas (e.g. 198.18.0.254)"));
    action_->setObjectName(QStringLiteral("npAction"));
    auto* detail = new QGroupBox(tr("Detailed settings"), this);
    auto* detailForm = new QFormLayout(detail);
    detailForm->addRow(tr("Interval:"), interval_);
    detailForm->addRow(tr("Timeout:"), timeout_);
    detailForm->addRow(tr("Retry count:"), retry_);
    auto* form = new QFormLayout;
    form->addRow(pingMode_);
    form->addRow(tr("Ping targets:"), targets_);
    form->addRow(detail);
    form->addRow(tr("Action at NP occurrence:"), action_);
    setBody(form);
    connect(pingMode_, &QCheckBox::toggled, this, &NpPage::apply);
    connect(targets_, &QLineEdit::textChanged, this, &NpPage::apply);
    for (auto* box : {interval_, timeout_})
        connect(box, &QDoubleSpinBox::valueChanged, this, &NpPage::apply);
    connect(retry_, &QSpinBox::valueChanged, this, &NpPage::apply);
    connect(action_, &QComboBox::currentIndexChanged, this, &NpPage::apply);
}

void NpPage::initializePage() {
    const auto& c = draft();
    NpResource np;
    const NpResource* ping = nullptr;
    for (const auto& r : c.npResources)
        if (r.type == kPingNp)
            ping = &r;
    QStringList targets;
    for (const auto& group : (ping ? ping : &np)->targetGroups)
        targets << group;
    const QSignalBlocker b1(pingMode_), b2(targets_), b3(interval_), b4(timeout_), b5(retry_),
        b6(action_);
    pingMode_->setChecked(ping);
    targets_->setText(targets.join(QStringLiteral(", ")));
    interval_->setValue((ping ? ping : &np)->intervalMs / 1000.0);
    timeout_->setValue((ping ? ping : &np)->timeoutMs / 1000.0);
    retry_->setValue((ping ? ping : &np)->retry);
    action_->setCode(c.cluster.npAction);
    targets_->setEnabled(ping);
    apply();
}

void NpPage::apply() {
    auto& c = draft();
    const bool on = pingMode_->isChecked();
    targets_->setEnabled(on);
    c.cluster.npAction = action_->code();
    c.npResources.removeIf([](const NpResource& r) { return r.type == kPingNp; });
    for (auto& s : c.servers)
        s.devices.removeIf([](const Device& d) { return d.id == kPingDevice; });
    if (on) {
        NpResource np;
        np.type = kPingNp;
        np.name = kPingNp + QLatin1Char('1');
        np.deviceId = kPingDevice;
        np.intervalMs = int(interval_->value() * 1000);
        np.timeoutMs = int(timeout_->value() * 1000);
        np.retry = retry_->value();
        // Each target its own group: any one answering is enough.
        static const QRegularExpression separators(QStringLiteral("[,\\s]+"));
        for (const auto& ip : targets_->text().split(separators, Qt::SkipEmptyParts))
            np.targetGroups << QStringList{ip};
        c.npResources.prepend(np);
        for (auto& s : c.servers)
            s.devices << Device{kPingDevice, QStringLiteral("ping"), QStringLiteral("1")};
    }
    changed();
}

bool NpPage::concerns(const Diagnostic& d) const {
    return d.path.startsWith(QLatin1String("networkpartition")) ||
           d.path.startsWith(QLatin1String("cluster / networkpartition")) ||
           d.path.contains(QStringLiteral(" / device %1").arg(kPingDevice));
}

} // namespace lifeline::builder
