#include "GroupsPage.h"

#include "ClusterPage.h"
#include "ClusterWizard.h"
#include "ConfigEdits.h"
#include "NameRules.h"
#include "ServerOrderList.h"
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
      servers_(new ServerOrderList(this)), autoStart_(new QCheckBox(tr("Start automatically"), this)),
      autoFailback_(new QCheckBox(tr("Fail back automatically"), this)),
      details_(new QWidget(this)) {
    setTitle(tr("Group"));
    setSubTitle(tr("Add the failover groups. Choose the servers that can run each group, in "
                   "failover order (checked servers, top first)."));
    groups_->setObjectName(QStringLiteral("groupList"));
    name_->setObjectName(QStringLiteral("groupName"));
    autoStart_->setObjectName(QStringLiteral("autoStart"));
    autoFailback_->setObjectName(QStringLiteral("autoFailback"));
    auto* add = widgets::button(this, tr("Add"), "addGroup");
    auto* remove = widgets::button(this, tr("Remove"), "removeGroup");

    auto* form = new QFormLayout(details_);
    form->setContentsMargins(0, 0, 0, 0);
    form->addRow(tr("Name:"), name_);
    form->addRow(tr("Servers:"), servers_);
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
    connect(name_, &QLineEdit::textChanged, this, &GroupsPage::apply);
    for (auto* box : {autoStart_, autoFailback_})
        connect(box, &QCheckBox::toggled, this, &GroupsPage::apply);
    connect(servers_, &ServerOrderList::changed, this, &GroupsPage::apply);
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
    edits::remove(draft(), nullptr, ConfigTreeModel::Kind::Group, g->name);
    delete groups_->takeItem(groups_->currentRow());
    select();
    changed();
}

// Loads the selected group into the details.
void GroupsPage::select() {
    const auto* g = current();
    details_->setEnabled(g);
    const QSignalBlocker b1(name_), b2(servers_), b3(autoStart_), b4(autoFailback_);
    if (!g) {
        name_->clear();
        return;
    }
    name_->setText(g->name);
    autoStart_->setChecked(g->autoStart);
    autoFailback_->setChecked(g->autoFailback);
    servers_->setPolicy(g->policy, draft().serversByPriority());
}

void GroupsPage::apply() {
    auto* g = current();
    if (!g)
        return;
    const QString name = name_->text().trimmed();
    if (name != g->name) {
        edits::rename(draft(), nullptr, ConfigTreeModel::Kind::Group, g->name, name);
        groups_->currentItem()->setText(name);
    }
    g->autoStart = autoStart_->isChecked();
    g->autoFailback = autoFailback_->isChecked();
    g->policy = servers_->policy();
    changed();
}

bool GroupsPage::concerns(const Diagnostic& d) const {
    return d.path.startsWith(QLatin1String("group \"")) &&
           !d.path.contains(QLatin1String(" / resource \"")) &&
           !d.path.startsWith(
               QStringLiteral("group \"%1\"").arg(QLatin1String(ClusterPage::kManagementGroup)));
}

} // namespace lifeline::builder
