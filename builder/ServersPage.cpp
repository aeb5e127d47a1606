#include "ServersPage.h"

#include "ClusterWizard.h"
#include "ConfigEdits.h"
#include "DiscoveryDialog.h"
#include "Widgets.h"

#include <QGridLayout>
#include <QHostAddress>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QPushButton>

#include <algorithm>

namespace lifeline::builder {

using namespace config;

namespace {
constexpr int kNameRole = Qt::UserRole; // the name the draft knows the server by
}

ServersPage::ServersPage(ClusterWizard* wizard)
    : WizardPage(wizard), entry_(new QLineEdit(this)), list_(new QListWidget(this)) {
    setTitle(tr("Servers List"));
    setSubTitle(tr("Add each server by its host name, FQDN or IP address. The first server is "
                   "the master server; the order is the failover order. Host names are case "
                   "sensitive."));
    entry_->setObjectName(QStringLiteral("serverEntry"));
    entry_->setPlaceholderText(tr("server name, FQDN or IP address"));
    list_->setObjectName(QStringLiteral("serverList"));
    auto* add = widgets::button(this, tr("Add"), "addServer");
    auto* remove = widgets::button(this, tr("Remove"), "removeServer");
    auto* up = widgets::button(this, tr("Up"), "serverUp");
    auto* down = widgets::button(this, tr("Down"), "serverDown");
    auto* discover = DiscoveryDialog::button(
        this, "discoverServerAddress",
        [this] {
            const auto* item = list_->currentItem();
            return DiscoveryDialog::Target{DiscoveryDialog::Kind::Address,
                                           item ? item->data(kNameRole).toString() : QString()};
        },
        [this](const QString& address) { setAddress(address); });
    auto* grid = new QGridLayout;
    grid->addWidget(entry_, 0, 0);
    grid->addWidget(add, 0, 1);
    grid->addWidget(list_, 1, 0, 5, 1);
    grid->addWidget(remove, 1, 1);
    grid->addWidget(up, 2, 1);
    grid->addWidget(down, 3, 1);
    grid->addWidget(discover, 4, 1);
    grid->setRowStretch(5, 1);
    setBody(grid);
    connect(add, &QPushButton::clicked, this, &ServersPage::addServer);
    connect(entry_, &QLineEdit::returnPressed, this, &ServersPage::addServer);
    connect(remove, &QPushButton::clicked, this, &ServersPage::removeServer);
    connect(up, &QPushButton::clicked, this, [this] { move(-1); });
    connect(down, &QPushButton::clicked, this, [this] { move(+1); });
    connect(list_, &QListWidget::itemChanged, this, &ServersPage::apply);
}

void ServersPage::initializePage() {
    const QSignalBlocker blocker(list_);
    list_->clear();
    for (const auto& s : draft().serversByPriority()) {
        auto* item = new QListWidgetItem(s.name, list_);
        item->setData(kNameRole, s.name);
        item->setFlags(item->flags() | Qt::ItemIsEditable);
    }
}

void ServersPage::addServer() {
    QString text = entry_->text().trimmed();
    if (text.isEmpty())
        return;
    Server s;
    if (!QHostAddress(text).isNull()) {
        // Known by its address: that is its first LAN, the interconnect page starts from it.
        s.devices << Device{0, QStringLiteral("lan"), text};
    } else if (text.contains(QLatin1Char('.'))) {
        text = text.section(QLatin1Char('.'), 0, 0); // the host name is the short name
    }
    s.name = text;
    s.priority = list_->count();
    draft().servers << s;
    entry_->clear();
    const QSignalBlocker blocker(list_);
    auto* item = new QListWidgetItem(s.name, list_);
    item->setData(kNameRole, s.name);
    item->setFlags(item->flags() | Qt::ItemIsEditable);
    list_->setCurrentItem(item);
    apply();
}

void ServersPage::removeServer() {
    const int row = list_->currentRow();
    if (row < 0)
        return;
    const QString name = list_->item(row)->data(kNameRole).toString();
    delete list_->takeItem(row);
    // Only the entry at that position: a name defined twice keeps its other definition.
    auto& servers = draft().servers;
    for (qsizetype i = 0; i < servers.size(); ++i)
        if (servers[i].name == name && servers[i].priority == row) {
            servers.removeAt(i);
            break;
        }
    apply();
}

void ServersPage::setAddress(const QString& address) {
    const auto* item = list_->currentItem();
    auto* s = item ? edits::find(draft().servers, item->data(kNameRole).toString()) : nullptr;
    if (!s)
        return;
    auto lan = std::find_if(s->devices.begin(), s->devices.end(), [](const Device& d) { return d.id == 0; });
    if (lan != s->devices.end())
        lan->info = address;
    else
        s->devices.prepend(Device{0, QStringLiteral("lan"), address});
    changed();
}

void ServersPage::move(int delta) {
    if (widgets::moveCurrentRow(list_, delta))
        apply();
}

// The list order is the priority; an edited item is a rename.
void ServersPage::apply() {
    auto& servers = draft().servers;
    QList<Server> ordered;
    QList<bool> taken(servers.size(), false);
    for (int row = 0; row < list_->count(); ++row) {
        auto* item = list_->item(row);
        const QString was = item->data(kNameRole).toString();
        const QString now = item->text().trimmed();
        Server s;
        for (qsizetype i = 0; i < servers.size(); ++i)
            if (!taken[i] && servers[i].name == was) {
                taken[i] = true;
                s = servers[i];
                break;
            }
        s.name = now;
        s.priority = row;
        ordered << s;
        if (was != now) {
            edits::renameServerReferences(draft(), was, now);
            const QSignalBlocker blocker(list_);
            item->setData(kNameRole, now);
        }
    }
    servers = ordered;
    changed();
}

bool ServersPage::concerns(const Diagnostic& d) const {
    return d.path == QLatin1String("server") || (d.path.startsWith(QLatin1String("server \"")) &&
                                                 !d.path.contains(QLatin1String(" / device ")));
}

} // namespace lifeline::builder
