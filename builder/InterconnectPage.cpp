#include "InterconnectPage.h"

#include "ClusterWizard.h"
#include "DiscoveryDialog.h"
#include "Widgets.h"

#include <QComboBox>
#include <QGridLayout>
#include <QHeaderView>
#include <QPushButton>
#include <QTableWidget>

#include <algorithm>

namespace lifeline::builder {

using namespace config;

namespace {

struct RouteType {
    const char* heartbeat; // heartbeat type
    const char* label;
    const char* device; // device type on the servers
    int firstDeviceId;  // ExpressCluster's numbering: LAN 0.., COM 200.., DISK 300..
};
constexpr RouteType kRouteTypes[] = {{"lanhb", "LAN", "lan", 0},
                                     {"lankhb", "Kernel Mode LAN", "lan", 0},
                                     {"comhb", "COM", "com", 200},
                                     {"diskhb", "DISK", "disk", 300}};

const RouteType* routeType(const QString& heartbeat) {
    for (const auto& t : kRouteTypes)
        if (heartbeat == QLatin1String(t.heartbeat))
            return &t;
    return nullptr;
}

} // namespace

InterconnectPage::InterconnectPage(ClusterWizard* wizard)
    : WizardPage(wizard), table_(new QTableWidget(this)) {
    setTitle(tr("Interconnect"));
    setSubTitle(tr("One row per communication route, highest priority first. Type the address "
                   "(LAN) or device (COM, DISK) each server uses; leave the cell blank for a "
                   "server not on that route. At least one LAN route is required."));
    table_->setObjectName(QStringLiteral("routeTable"));
    table_->horizontalHeader()->setStretchLastSection(true);
    auto* add = widgets::button(this, tr("Add"), "addRoute");
    auto* remove = widgets::button(this, tr("Remove"), "removeRoute");
    auto* up = widgets::button(this, tr("Up"), "routeUp");
    auto* down = widgets::button(this, tr("Down"), "routeDown");
    // The current cell's address (LAN) or device (DISK), as that server has it.
    auto* discover = DiscoveryDialog::button(
        this, "discoverRouteAddress",
        [this] {
            DiscoveryDialog::Target t;
            const int row = table_->currentRow(), col = table_->currentColumn();
            const auto* box = row >= 0 ? qobject_cast<QComboBox*>(table_->cellWidget(row, 0)) : nullptr;
            const auto* type = box ? routeType(box->currentData().toString()) : nullptr;
            if (col >= 1 && type && DiscoveryDialog::kindOfDevice(QLatin1String(type->device), &t.kind))
                t.server = servers_.value(col - 1);
            return t;
        },
        [this](const QString& value) { table_->currentItem()->setText(value); });
    auto* grid = new QGridLayout;
    grid->addWidget(table_, 0, 0, 6, 1);
    grid->addWidget(add, 0, 1);
    grid->addWidget(remove, 1, 1);
    grid->addWidget(up, 2, 1);
    grid->addWidget(down, 3, 1);
    grid->addWidget(discover, 4, 1);
    grid->setRowStretch(5, 1);
    setBody(grid);
    connect(add, &QPushButton::clicked, this, [this] {
        addRoute(QStringLiteral("lanhb"), {});
        apply();
    });
    connect(remove, &QPushButton::clicked, this, &InterconnectPage::removeRoute);
    connect(up, &QPushButton::clicked, this, [this] { move(-1); });
    connect(down, &QPushButton::clicked, this, [this] { move(+1); });
    connect(table_, &QTableWidget::itemChanged, this, &InterconnectPage::apply);
}

// Rebuilt from the draft each time: servers may have been added, renamed or moved.
void InterconnectPage::initializePage() {
    const auto& c = draft();
    servers_.clear();
    for (const auto& s : c.serversByPriority())
        servers_ << s.name;
    {
        const QSignalBlocker blocker(table_);
        table_->clear();
        table_->setRowCount(0);
        table_->setColumnCount(1 + int(servers_.size()));
        table_->setHorizontalHeaderLabels(QStringList{tr("Type")} + servers_);
        auto heartbeats = c.heartbeats;
        std::stable_sort(heartbeats.begin(), heartbeats.end(),
                         [](auto& a, auto& b) { return a.priority < b.priority; });
        for (const auto& hb : heartbeats) {
            QStringList cells;
            for (const auto& name : servers_) {
                const auto* d = c.server(name) ? c.server(name)->device(hb.deviceId) : nullptr;
                cells << (d ? d->info : QString());
            }
            addRoute(hb.type, cells);
        }
        if (heartbeats.isEmpty()) {
            // The first LAN route is registered from the addresses the servers were added by.
            QStringList cells;
            for (const auto& name : servers_) {
                const auto* d = c.server(name)->device(0);
                cells << (d && d->type == QLatin1String("lan") ? d->info : QString());
            }
            addRoute(QStringLiteral("lanhb"), cells);
        }
    }
    apply();
}

void InterconnectPage::addRoute(const QString& type, const QStringList& cells) {
    const QSignalBlocker blocker(table_);
    const int row = table_->rowCount();
    table_->insertRow(row);
    auto* box = new QComboBox(table_);
    box->setObjectName(QStringLiteral("routeType%1").arg(row));
    for (const auto& t : kRouteTypes)
        box->addItem(tr(t.label), QLatin1String(t.heartbeat));
    box->setCurrentIndex(std::max(0, box->findData(type)));
    connect(box, &QComboBox::currentIndexChanged, this, &InterconnectPage::apply);
    table_->setCellWidget(row, 0, box);
    for (int col = 1; col < table_->columnCount(); ++col)
        table_->setItem(row, col, new QTableWidgetItem(cells.value(col - 1)));
}

void InterconnectPage::removeRoute() {
    if (table_->currentRow() < 0)
        return;
    table_->removeRow(table_->currentRow());
    apply();
}

void InterconnectPage::move(int delta) {
    const int row = table_->currentRow();
    const int to = row + delta;
    if (row < 0 || to < 0 || to >= table_->rowCount())
        return;
    {
        const QSignalBlocker blocker(table_);
        auto* a = qobject_cast<QComboBox*>(table_->cellWidget(row, 0));
        auto* b = qobject_cast<QComboBox*>(table_->cellWidget(to, 0));
        const int ia = a->currentIndex();
        const QSignalBlocker ba(a), bb(b);
        a->setCurrentIndex(b->currentIndex());
        b->setCurrentIndex(ia);
        for (int col = 1; col < table_->columnCount(); ++col) {
            const QString t = table_->item(row, col)->text();
            table_->item(row, col)->setText(table_->item(to, col)->text());
            table_->item(to, col)->setText(t);
        }
        table_->setCurrentCell(to, table_->currentColumn());
    }
    apply();
}

// Regenerates the heartbeats and the servers' LAN, COM and disk devices.
void InterconnectPage::apply() {
    auto& c = draft();
    for (auto& s : c.servers)
        s.devices.removeIf([](const Device& d) {
            return d.type == QLatin1String("lan") || d.type == QLatin1String("com") ||
                   d.type == QLatin1String("disk");
        });
    c.heartbeats.clear();
    QHash<QString, int> perType;   // heartbeat type -> count, for names
    QHash<QString, int> perDevice; // device type -> count, for ids
    for (int row = 0; row < table_->rowCount(); ++row) {
        const auto* box = qobject_cast<QComboBox*>(table_->cellWidget(row, 0));
        const auto* type = routeType(box->currentData().toString());
        Heartbeat hb;
        hb.type = QLatin1String(type->heartbeat);
        hb.name = hb.type + QString::number(++perType[hb.type]);
        hb.priority = row;
        hb.deviceId = type->firstDeviceId + perDevice[QLatin1String(type->device)]++;
        c.heartbeats << hb;
        for (int col = 1; col < table_->columnCount(); ++col) {
            const QString info = table_->item(row, col)->text().trimmed();
            if (info.isEmpty())
                continue;
            for (auto& s : c.servers)
                if (s.name == servers_.value(col - 1))
                    s.devices << Device{hb.deviceId, QLatin1String(type->device), info};
        }
    }
    for (auto& s : c.servers)
        std::stable_sort(s.devices.begin(), s.devices.end(),
                         [](auto& a, auto& b) { return a.id < b.id; });
    changed();
}

bool InterconnectPage::concerns(const Diagnostic& d) const {
    return d.path.startsWith(QLatin1String("heartbeat")) ||
           (d.path.contains(QLatin1String(" / device ")) &&
            !d.path.contains(QLatin1String(" / device 10200")));
}

} // namespace lifeline::builder
