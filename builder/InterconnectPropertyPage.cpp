#include "InterconnectPropertyPage.h"

#include "DiscoveryDialog.h"
#include "ObjectPaths.h"
#include "ParameterForm.h"
#include "Widgets.h"

#include <QFormLayout>
#include <QHeaderView>
#include <QLabel>
#include <QPushButton>
#include <QSpinBox>
#include <QTableWidget>

namespace lifeline::builder {

using namespace config;

InterconnectPropertyPage::InterconnectPropertyPage(const QString& name, QWidget* parent)
    : PropertyPage(name, parent), type_(new QLabel(this)),
      priority_(widgets::countBox(this, "heartbeatPriority", 999)),
      cells_(new QTableWidget(0, 2, this)), parameters_(new ParameterForm(this)) {
    setObjectName(QStringLiteral("interconnectProperties"));
    type_->setObjectName(QStringLiteral("heartbeatType"));
    cells_->setObjectName(QStringLiteral("heartbeatServers"));
    cells_->setHorizontalHeaderLabels({tr("Server"), tr("Address / device")});
    cells_->horizontalHeader()->setStretchLastSection(true);
    cells_->verticalHeader()->hide();
    parameters_->setObjectName(QStringLiteral("heartbeatParameters"));
    auto* form = new QFormLayout(this);
    form->addRow(tr("Name:"), new QLabel(name, this));
    form->addRow(tr("Type:"), type_);
    form->addRow(tr("Priority (0 = highest):"), priority_);
    form->addRow(tr("Servers:"), cells_);
    form->addRow(QString(), DiscoveryDialog::button(
                                this, "discoverHeartbeatDevice",
                                [this] {
                                    DiscoveryDialog::Target t;
                                    const int row = cells_->currentRow();
                                    if (row >= 0 && DiscoveryDialog::kindOfDevice(deviceType_, &t.kind))
                                        t.server = cells_->item(row, 0)->text();
                                    return t;
                                },
                                [this](const QString& value) {
                                    cells_->item(cells_->currentRow(), 1)->setText(value);
                                }));
    form->addRow(parameters_);
    watch({priority_, cells_, parameters_});
}

void InterconnectPropertyPage::load(const ClusterConfig& c, const Scripts&) {
    const auto* hb = c.heartbeat(name_);
    cells_->setRowCount(0);
    if (!hb)
        return;
    type_->setText(hb->type);
    priority_->setValue(hb->priority);
    deviceId_ = hb->deviceId;
    deviceType_ = edits::deviceTypeOf(hb->type);
    for (const auto& s : c.serversByPriority()) {
        const auto* d = s.device(deviceId_);
        if (d)
            deviceType_ = d->type;
        const int row = cells_->rowCount();
        cells_->insertRow(row);
        auto* server = new QTableWidgetItem(s.name);
        server->setFlags(server->flags() & ~Qt::ItemIsEditable);
        cells_->setItem(row, 0, server);
        cells_->setItem(row, 1, new QTableWidgetItem(d ? d->info : QString()));
    }
    parameters_->setType(schema::ObjectClass::Heartbeat, hb->type, {}, hb->parameters);
}

void InterconnectPropertyPage::store(ClusterConfig& c, Scripts&) const {
    auto* hb = edits::find(c.heartbeats, name_);
    if (!hb)
        return;
    hb->priority = priority_->value();
    parameters_->storeInto(hb->parameters);
    for (int row = 0; row < cells_->rowCount(); ++row) {
        auto* s = edits::find(c.servers, cells_->item(row, 0)->text());
        if (!s)
            continue;
        const QString info = cells_->item(row, 1)->text().trimmed();
        auto on = std::find_if(s->devices.begin(), s->devices.end(),
                               [&](const Device& d) { return d.id == deviceId_; });
        if (info.isEmpty()) {
            if (on != s->devices.end())
                s->devices.erase(on);
        } else if (on != s->devices.end()) {
            on->info = info;
        } else {
            s->devices << Device{deviceId_, deviceType_, info};
            std::stable_sort(s->devices.begin(), s->devices.end(),
                             [](auto& a, auto& b) { return a.id < b.id; });
        }
    }
}

bool InterconnectPropertyPage::concerns(const Diagnostic& d) const {
    return d.path.startsWith(paths::heartbeat(name_)) ||
           d.path.endsWith(QStringLiteral(" / device %1").arg(deviceId_)) ||
           d.path.contains(QStringLiteral(" / device %1 ").arg(deviceId_));
}

} // namespace lifeline::builder
