#include "RecoveryTargetTree.h"

namespace lifeline::builder {

using namespace config;

namespace {

constexpr int kTypeRole = Qt::UserRole;
constexpr int kNameRole = Qt::UserRole + 1;

QTreeWidgetItem* node(const QString& text, const QString& type, const QString& name) {
    auto* item = new QTreeWidgetItem({text});
    item->setData(0, kTypeRole, type);
    item->setData(0, kNameRole, name);
    return item;
}

} // namespace

RecoveryTargetTree::RecoveryTargetTree(QWidget* parent) : QTreeWidget(parent) {
    setObjectName(QStringLiteral("recoveryTargetTree"));
    setHeaderHidden(true);
}

void RecoveryTargetTree::setConfig(const ClusterConfig& config) {
    const QSignalBlocker blocker(this);
    clear();
    auto* cluster = node(tr("%1 (LocalServer)").arg(config.cluster.name), QStringLiteral("cls"),
                         QStringLiteral("LocalServer"));
    addTopLevelItem(cluster);
    for (const auto& g : config.groups) {
        auto* group = node(g.name, QStringLiteral("grp"), g.name);
        cluster->addChild(group);
        for (const auto& ref : g.resourceRefs) {
            const auto [type, name] = splitResourceRef(ref);
            group->addChild(node(QStringLiteral("%1 (%2)").arg(name, type), QStringLiteral("rsc"),
                                 name));
        }
    }
    expandAll();
}

void RecoveryTargetTree::setTarget(const QString& type, const QString& name) {
    const QSignalBlocker blocker(this);
    for (QTreeWidgetItemIterator it(this); *it; ++it)
        if ((*it)->data(0, kTypeRole).toString() == type &&
            (*it)->data(0, kNameRole).toString() == name) {
            setCurrentItem(*it);
            return;
        }
    setCurrentItem(topLevelItem(0));
}

QString RecoveryTargetTree::targetType() const {
    return currentItem() ? currentItem()->data(0, kTypeRole).toString() : QStringLiteral("cls");
}

QString RecoveryTargetTree::targetName() const {
    return currentItem() ? currentItem()->data(0, kNameRole).toString()
                         : QStringLiteral("LocalServer");
}

} // namespace lifeline::builder
