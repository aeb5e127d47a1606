#include "ClusterPropertyPage.h"

#include "FinalActionBox.h"
#include "Widgets.h"

#include <QDoubleSpinBox>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLineEdit>
#include <QListWidget>
#include <QPushButton>
#include <QSpinBox>
#include <QTabWidget>

namespace lifeline::builder {

using namespace config;

namespace {

QSpinBox* portBox(QWidget* parent, const char* objectName) {
    auto* box = widgets::countBox(parent, objectName, 65535);
    box->setMinimum(1);
    return box;
}

} // namespace

ClusterPropertyPage::ClusterPropertyPage(QWidget* parent)
    : PropertyPage(QString(), parent), servers_(new QListWidget(this)),
      interval_(widgets::secondsBox(this, "heartbeatInterval", 3600, 3)),
      timeout_(widgets::secondsBox(this, "heartbeatTimeout", 3600, 3)),
      syncWait_(widgets::secondsBox(this, "syncWait", 86400, 3)),
      internalPort_(portBox(this, "internalPort")), heartbeatPort_(portBox(this, "heartbeatPort")),
      kernelHeartbeatPort_(portBox(this, "kernelHeartbeatPort")),
      webmgrPort_(portBox(this, "webmgrPort")), npAction_(new FinalActionBox(this)) {
    setObjectName(QStringLiteral("clusterProperties"));
    servers_->setObjectName(QStringLiteral("masterServers"));
    npAction_->setObjectName(QStringLiteral("npAction"));
    auto* tabs = new QTabWidget(this);
    auto* info = new QWidget(tabs);
    auto* infoForm = new QFormLayout(info);
    addNameRows(infoForm);
    tabs->addTab(info, tr("Info"));

    auto* master = new QWidget(tabs);
    auto* masterLayout = new QHBoxLayout(master);
    masterLayout->addWidget(servers_);
    auto* buttons = new QVBoxLayout;
    auto* up = widgets::button(master, tr("Up"), "masterUp");
    auto* down = widgets::button(master, tr("Down"), "masterDown");
    buttons->addWidget(up);
    buttons->addWidget(down);
    buttons->addStretch();
    masterLayout->addLayout(buttons);
    tabs->addTab(master, tr("Master Server"));

    auto* timeouts = new QWidget(tabs);
    auto* timeoutForm = new QFormLayout(timeouts);
    timeoutForm->addRow(tr("Heartbeat interval:"), interval_);
    timeoutForm->addRow(tr("Heartbeat timeout:"), timeout_);
    timeoutForm->addRow(tr("Server sync wait time:"), syncWait_);
    tabs->addTab(timeouts, tr("Timeout"));

    auto* ports = new QWidget(tabs);
    auto* portForm = new QFormLayout(ports);
    portForm->addRow(tr("Server internal port (RPC):"), internalPort_);
    portForm->addRow(tr("Heartbeat port (LAN):"), heartbeatPort_);
    portForm->addRow(tr("Kernel mode heartbeat port:"), kernelHeartbeatPort_);
    portForm->addRow(tr("WebManager HTTP port:"), webmgrPort_);
    tabs->addTab(ports, tr("Port Number"));

    auto* np = new QWidget(tabs);
    auto* npForm = new QFormLayout(np);
    npForm->addRow(tr("Action at NP occurrence:"), npAction_);
    tabs->addTab(np, tr("NP Resolution"));
    tabs->setObjectName(QStringLiteral("clusterTabs"));
    (new QVBoxLayout(this))->addWidget(tabs);

    connect(up, &QPushButton::clicked, this, [this] {
        if (widgets::moveCurrentRow(servers_, -1))
            emit changed();
    });
    connect(down, &QPushButton::clicked, this, [this] {
        if (widgets::moveCurrentRow(servers_, +1))
            emit changed();
    });
    watch({interval_, timeout_, syncWait_, internalPort_, heartbeatPort_, kernelHeartbeatPort_,
           webmgrPort_, npAction_});
}

QString ClusterPropertyPage::editedName() const {
    return QString();
}

void ClusterPropertyPage::load(const ClusterConfig& c, const Scripts&) {
    const auto& p = c.cluster;
    nameEdit_->setText(p.name);
    commentEdit_->setText(p.comment);
    servers_->clear();
    for (const auto& s : c.serversByPriority())
        servers_->addItem(s.name);
    interval_->setValue(p.heartbeatIntervalMs / 1000.0);
    timeout_->setValue(p.heartbeatTimeoutMs / 1000.0);
    syncWait_->setValue(p.syncWaitMs / 1000.0);
    internalPort_->setValue(p.internalPort);
    heartbeatPort_->setValue(p.heartbeatPort);
    kernelHeartbeatPort_->setValue(p.kernelHeartbeatPort);
    webmgrPort_->setValue(p.webmgrPort);
    npAction_->setCode(p.npAction);
}

void ClusterPropertyPage::store(ClusterConfig& c, Scripts&) const {
    auto& p = c.cluster;
    p.name = nameEdit_->text().trimmed();
    p.comment = comment();
    // The list order is the priority: the top one is the master server.
    for (int row = 0; row < servers_->count(); ++row)
        if (auto* s = edits::find(c.servers, servers_->item(row)->text()))
            s->priority = row;
    p.heartbeatIntervalMs = int(qRound(interval_->value() * 1000));
    p.heartbeatTimeoutMs = int(qRound(timeout_->value() * 1000));
    p.syncWaitMs = int(qRound(syncWait_->value() * 1000));
    p.internalPort = internalPort_->value();
    p.heartbeatPort = heartbeatPort_->value();
    p.kernelHeartbeatPort = kernelHeartbeatPort_->value();
    p.webmgrPort = webmgrPort_->value();
    p.npAction = npAction_->code();
}

bool ClusterPropertyPage::concerns(const Diagnostic& d) const {
    return d.path.isEmpty() ||
           (d.path.startsWith(QLatin1String("cluster")) &&
            !d.path.startsWith(QLatin1String("cluster / networkpartition"))) ||
           d.path.startsWith(QLatin1String("all"));
}

} // namespace lifeline::builder
