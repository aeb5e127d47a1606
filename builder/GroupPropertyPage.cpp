#include "GroupPropertyPage.h"

#include "ObjectPaths.h"
#include "ServerOrderList.h"

#include <QCheckBox>
#include <QFormLayout>
#include <QLabel>

namespace lifeline::builder {

using namespace config;

GroupPropertyPage::GroupPropertyPage(const QString& name, QWidget* parent)
    : PropertyPage(name, parent), type_(new QLabel(this)), servers_(new ServerOrderList(this)),
      autoStart_(new QCheckBox(tr("Start automatically (startup attribute)"), this)),
      autoFailback_(new QCheckBox(tr("Fail back automatically (failback attribute)"), this)) {
    setObjectName(QStringLiteral("groupProperties"));
    type_->setObjectName(QStringLiteral("groupType"));
    autoStart_->setObjectName(QStringLiteral("autoStart"));
    autoFailback_->setObjectName(QStringLiteral("autoFailback"));
    auto* form = new QFormLayout(this);
    addNameRows(form);
    form->addRow(tr("Type:"), type_);
    form->addRow(tr("Servers:"), servers_);
    form->addRow(autoStart_);
    form->addRow(autoFailback_);
    connect(servers_, &ServerOrderList::changed, this, &PropertyPage::changed);
    watch({autoStart_, autoFailback_});
}

void GroupPropertyPage::load(const ClusterConfig& c, const Scripts&) {
    const Group none;
    const Group& g = c.group(name_) ? *c.group(name_) : none;
    loadNameRows(g.comment);
    type_->setText(g.type);
    servers_->setPolicy(g.policy, c.serversByPriority());
    autoStart_->setChecked(g.autoStart);
    autoFailback_->setChecked(g.autoFailback);
}

void GroupPropertyPage::store(ClusterConfig& c, Scripts& scripts) const {
    auto* g = edits::find(c.groups, storeName(c, scripts, ConfigTreeModel::Kind::Group));
    if (!g)
        return;
    g->comment = comment();
    g->policy = servers_->policy();
    g->autoStart = autoStart_->isChecked();
    g->autoFailback = autoFailback_->isChecked();
}

bool GroupPropertyPage::concerns(const Diagnostic& d) const {
    return d.path.startsWith(paths::group(editedName())) &&
           !d.path.contains(QLatin1String(" / resource \""));
}

} // namespace lifeline::builder
