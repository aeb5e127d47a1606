#include "ServerOrderList.h"

#include "Widgets.h"

#include <QCheckBox>
#include <QHBoxLayout>
#include <QListWidget>
#include <QPushButton>

namespace lifeline::builder {

ServerOrderList::ServerOrderList(QWidget* parent)
    : QWidget(parent), all_(new QCheckBox(tr("Failover is possible at all servers"), this)),
      list_(new QListWidget(this)) {
    all_->setObjectName(QStringLiteral("allServers"));
    list_->setObjectName(QStringLiteral("groupServers"));
    auto* up = widgets::button(this, tr("Up"), "groupServerUp");
    auto* down = widgets::button(this, tr("Down"), "groupServerDown");
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(all_);
    auto* order = new QHBoxLayout;
    order->addWidget(list_);
    auto* buttons = new QVBoxLayout;
    buttons->addWidget(up);
    buttons->addWidget(down);
    buttons->addStretch();
    order->addLayout(buttons);
    layout->addLayout(order);
    connect(up, &QPushButton::clicked, this, [this] { move(-1); });
    connect(down, &QPushButton::clicked, this, [this] { move(+1); });
    connect(all_, &QCheckBox::toggled, this, [this](bool all) {
        list_->setEnabled(!all);
        emit changed();
    });
    connect(list_, &QListWidget::itemChanged, this, &ServerOrderList::changed);
}

void ServerOrderList::setPolicy(const QStringList& policy,
                                const QList<config::Server>& byPriority) {
    const QSignalBlocker b1(all_), b2(list_);
    list_->clear();
    all_->setChecked(policy.isEmpty());
    // Chosen servers first, in their order, then the others unchecked.
    QStringList order = policy;
    for (const auto& s : byPriority)
        if (!order.contains(s.name))
            order << s.name;
    for (const auto& name : order) {
        auto* item = new QListWidgetItem(name, list_);
        item->setFlags(item->flags() | Qt::ItemIsUserCheckable);
        item->setCheckState(policy.isEmpty() || policy.contains(name) ? Qt::Checked
                                                                      : Qt::Unchecked);
    }
    list_->setEnabled(!policy.isEmpty());
}

QStringList ServerOrderList::policy() const {
    QStringList out;
    if (!all_->isChecked())
        for (int row = 0; row < list_->count(); ++row)
            if (list_->item(row)->checkState() == Qt::Checked)
                out << list_->item(row)->text();
    return out;
}

void ServerOrderList::move(int delta) {
    if (widgets::moveCurrentRow(list_, delta))
        emit changed();
}

} // namespace lifeline::builder
