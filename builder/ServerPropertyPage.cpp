#include "ServerPropertyPage.h"

#include "DiscoveryDialog.h"
#include "ObjectPaths.h"

#include <QFormLayout>
#include <QHeaderView>
#include <QPushButton>
#include <QTableWidget>

namespace lifeline::builder {

using namespace config;

ServerPropertyPage::ServerPropertyPage(const QString& name, QWidget* parent)
    : PropertyPage(name, parent), devices_(new QTableWidget(0, 3, this)) {
    setObjectName(QStringLiteral("serverProperties"));
    devices_->setObjectName(QStringLiteral("serverDevices"));
    devices_->setHorizontalHeaderLabels({tr("Id"), tr("Type"), tr("Address / device")});
    devices_->horizontalHeader()->setStretchLastSection(true);
    devices_->verticalHeader()->hide();
    auto* form = new QFormLayout(this);
    addNameRows(form);
    form->addRow(tr("Devices:"), devices_);
    // The selected LAN's address or disk's device, as the server has it.
    form->addRow(QString(), DiscoveryDialog::button(
                                this, "discoverServerDevice",
                                [this] {
                                    DiscoveryDialog::Target t;
                                    const int row = devices_->currentRow();
                                    if (row >= 0 && DiscoveryDialog::kindOfDevice(devices_->item(row, 1)->text(), &t.kind))
                                        t.server = editedName();
                                    return t;
                                },
                                [this](const QString& value) {
                                    devices_->item(devices_->currentRow(), 2)->setText(value);
                                }));
    watch({devices_});
}

void ServerPropertyPage::load(const ClusterConfig& c, const Scripts&) {
    const auto* s = c.server(name_);
    loadNameRows(s ? s->comment : QString());
    devices_->setRowCount(0);
    if (!s)
        return;
    for (const auto& d : s->devices) {
        const int row = devices_->rowCount();
        devices_->insertRow(row);
        for (int col = 0; col < 3; ++col) {
            auto* item = new QTableWidgetItem(col == 0   ? QString::number(d.id)
                                              : col == 1 ? d.type
                                                         : d.info);
            if (col < 2)
                item->setFlags(item->flags() & ~Qt::ItemIsEditable);
            devices_->setItem(row, col, item);
        }
    }
}

void ServerPropertyPage::store(ClusterConfig& c, Scripts& scripts) const {
    auto* s = edits::find(c.servers, storeName(c, scripts, ConfigTreeModel::Kind::Server));
    if (!s)
        return;
    s->comment = comment();
    for (int row = 0; row < devices_->rowCount() && row < s->devices.size(); ++row)
        s->devices[row].info = devices_->item(row, 2)->text().trimmed();
}

bool ServerPropertyPage::concerns(const Diagnostic& d) const {
    return d.path.startsWith(paths::server(editedName()));
}

} // namespace lifeline::builder
