#include "GroupsPage.h"

#include "ClusterPage.h"
#include "ClusterWizard.h"
#include "NameRules.h"
#include "Widgets.h"

#include <QCheckBox>
#include <QFormLayout>
#include <QGridLayout>
#include <QHBoxLayout>
#include <QLineEdit>
#include <QListWidget>
#include <QPushButton>

namespace lifeline::builder {

using namespace config;

GroupsPage::GroupsPage(ClusterWizard* wizard)
    : WizardPage(wizard), groups_(new QListWidget(this)), name_(new QLineEdit(this)),
      allServers_(new QCheckBox(tr("Failover is possible at all servers"), this)),
      servers_(new QListWidget(this)), autoStart_(new QCheckBox(tr("Start automatically"), this)),
      autoFailback_(new QCheckBox(tr("Fail back automatically"), this)),
      details_(new QWidget(this)) {
    setTitle(tr("Group"));
    setSubTitle(tr("Add the failover groups. Choose the servers that can run each group, in "
                   "failover order (checked servers, top first)."));
    groups_->setObjectName(QStringLiteral("groupList"));
    name_->setObjectName(QStringLiteral("groupName"));
    allServers_->setObjectName(QStringLiteral("allServers"));
    servers_->setObjectName(QStringLiteral("groupServers"));
    autoStart_->setObjectName(QStringLiteral("autoStart"));
    autoFailback_->setObjectName(QStringLiteral("autoFailback"));
    auto* add = widgets::button(this, tr("Add"), "addGroup");
    auto* remove = widgets::button(this, tr("Remove"), "removeGroup");
    auto* up = widgets::button(this, tr("Up"), "groupServerUp");
    auto* down = widgets::button(this, tr("Down"), "groupServerDown");

    auto* form = new QFormLayout(details_);
    form->setContentsMargins(0, 0, 0, 0);
    form->addRow(tr("Name:"), name_);
    form->addRow(allServers_);
    auto* order = new QHBoxLayout;
    order->addWidget(servers_);
    auto* buttons = new QVBoxLayout;
    buttons->addWidget(up);
    buttons->addWidget(down);
    buttons->addStretch();
    order->addLayout(buttons);
    form->addRow(tr("Servers:"), order);
    form->addRow(autoStart_);
    form->addRow(autoFailback_);

    auto* grid = new QGridLayout;
    grid->addWidget(groups_, 0, 0, 3, 1);
    grid->addWidget(add, 0, 1);
    grid->addWidget(remove, 1, 1);
    grid->addWidget(details_, 0, 2, 3, 1);
    grid->setColumnStretch(0, 1);
    grid->setColumnStretch(2, 2);
    grid->setRowStretch(2, 1);
    setBody(grid);

    connect(add, &QPushButton::clicked, this, &GroupsPage::addGroup);
    connect(remove, &QPushButton::clicked, this, &GroupsPage::removeGroup);
    connect(groups_, &QListWidget::currentRowChanged, this, &GroupsPage::select);
    connect(up, &QPushButton::clicked, this, [this] { moveServer(-1); });
    connect(down, &QPushButton::clicked, this, [this] { moveServer(+1); });
    connect(name_, &QLineEdit::textChanged, this, &GroupsPage::apply);
    for (auto* box : {allServers_, autoStart_, autoFailback_})
        connect(box, &QCheckBox::toggled, this, &GroupsPage::apply);
    connect(servers_, &QListWidget::itemChanged, this, &GroupsPage::apply);
}

// The failover groups; the management group belongs to the cluster page.
static bool listed(const Group& g) {
    return g.type != QLatin1String("cluster");
}

Group* GroupsPage::current() {
    auto* item = groups_->currentItem();
    if (!item)
        return nullptr;
    int index = 0;
    for (auto& g : draft().groups)
        if (listed(g) && index++ == groups_->row(item))
            return &g;
    return nullptr;
}

void GroupsPage::initializePage() {
    {
        const QSignalBlocker blocker(groups_);
        groups_->clear();
        for (const auto& g : draft().groups)
            if (listed(g))
                groups_->addItem(g.name);
    }
    groups_->setCurrentRow(groups_->count() > 0 ? 0 : -1);
    select();
}

void GroupsPage::addGroup() {
    Group g;
    g.name = uniqueName(QStringLiteral("failover"), draft());
    draft().groups << g;
    groups_->addItem(g.name);
    groups_->setCurrentRow(groups_->count() - 1);
    changed();
}

void GroupsPage::removeGroup() {
    auto* g = current();
    if (!g)
        return;
    // Its resources go with it.
    const QStringList refs = g->resourceRefs;
    const QString name = g->name;
    draft().groups.removeAt(g - draft().groups.data());
    for (const auto& ref : refs)
        draft().resources.removeIf(
            [&](const Resource& r) { return r.name == splitResourceRef(ref).second; });
    delete groups_->takeItem(groups_->currentRow());
    select();
    changed();
}

// Loads the selected group into the details.
void GroupsPage::select() {
    const auto* g = current();
    details_->setEnabled(g);
    const QSignalBlocker b1(name_), b2(allServers_), b3(servers_), b4(autoStart_),
        b5(autoFailback_);
    servers_->clear();
    if (!g) {
        name_->clear();
        return;
    }
    name_->setText(g->name);
    allServers_->setChecked(g->policy.isEmpty());
    autoStart_->setChecked(g->autoStart);
    autoFailback_->setChecked(g->autoFailback);
    // Chosen servers first, in their order, then the others unchecked.
    QStringList order = g->policy;
    for (const auto& s : draft().serversByPriority())
        if (!order.contains(s.name))
            order << s.name;
    for (const auto& name : order) {
        auto* item = new QListWidgetItem(name, servers_);
        item->setFlags(item->flags() | Qt::ItemIsUserCheckable);
        item->setCheckState(g->policy.isEmpty() || g->policy.contains(name) ? Qt::Checked
                                                                            : Qt::Unchecked);
    }
    servers_->setEnabled(!g->policy.isEmpty());
}

void GroupsPage::moveServer(int delta) {
    if (widgets::moveCurrentRow(servers_, delta))
        apply();
}

void GroupsPage::apply() {
    auto* g = current();
    if (!g)
        return;
    const QString name = name_->text().trimmed();
    if (name != g->name) {
        for (auto& m : draft().monitors)
            if (m.relationType == QLatin1String("grp") && m.relationName == g->name &&
                !g->name.isEmpty())
                m.relationName = name;
        g->name = name;
        groups_->currentItem()->setText(name);
    }
    g->autoStart = autoStart_->isChecked();
    g->autoFailback = autoFailback_->isChecked();
    g->policy.clear();
    servers_->setEnabled(!allServers_->isChecked());
    if (!allServers_->isChecked())
        for (int row = 0; row < servers_->count(); ++row)
            if (servers_->item(row)->checkState() == Qt::Checked)
                g->policy << servers_->item(row)->text();
    changed();
}

bool GroupsPage::concerns(const Diagnostic& d) const {
    return d.path.startsWith(QLatin1String("group \"")) &&
           !d.path.contains(QLatin1String(" / resource \"")) &&
           !d.path.startsWith(
               QStringLiteral("group \"%1\"").arg(QLatin1String(ClusterPage::kManagementGroup)));
}

} // namespace lifeline::builder
