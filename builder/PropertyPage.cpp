#include "PropertyPage.h"

#include "ParameterForm.h"

#include <QAbstractButton>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QFormLayout>
#include <QLineEdit>
#include <QListWidget>
#include <QPlainTextEdit>
#include <QSpinBox>
#include <QTableWidget>
#include <QTreeWidget>

namespace lifeline::builder {

QString PropertyPage::editedName() const {
    return nameEdit_ ? nameEdit_->text().trimmed() : name_;
}

void PropertyPage::addNameRows(QFormLayout* form) {
    nameEdit_ = new QLineEdit(this);
    nameEdit_->setObjectName(QStringLiteral("propertyName"));
    commentEdit_ = new QLineEdit(this);
    commentEdit_->setObjectName(QStringLiteral("propertyComment"));
    form->addRow(tr("Name:"), nameEdit_);
    form->addRow(tr("Comment:"), commentEdit_);
    watch({nameEdit_, commentEdit_});
}

void PropertyPage::loadNameRows(const QString& comment) {
    nameEdit_->setText(name_);
    commentEdit_->setText(comment);
}

QString PropertyPage::storeName(config::ClusterConfig& config, Scripts& scripts,
                                ConfigTreeModel::Kind kind) const {
    if (editedName() != name_)
        edits::rename(config, &scripts, kind, name_, editedName());
    return editedName();
}

QString PropertyPage::comment() const {
    return commentEdit_->text();
}

void PropertyPage::rebase(const QString& name, const config::ClusterConfig& config,
                          const Scripts& scripts) {
    name_ = name;
    const QSignalBlocker blocker(this);
    load(config, scripts);
}

void PropertyPage::watch(const QList<QWidget*>& widgets) {
    for (auto* w : widgets) {
        if (auto* x = qobject_cast<QLineEdit*>(w))
            connect(x, &QLineEdit::textChanged, this, &PropertyPage::changed);
        else if (auto* x = qobject_cast<QComboBox*>(w))
            connect(x, &QComboBox::currentIndexChanged, this, &PropertyPage::changed);
        else if (auto* x = qobject_cast<QSpinBox*>(w))
            connect(x, &QSpinBox::valueChanged, this, &PropertyPage::changed);
        else if (auto* x = qobject_cast<QDoubleSpinBox*>(w))
            connect(x, &QDoubleSpinBox::valueChanged, this, &PropertyPage::changed);
        else if (auto* x = qobject_cast<QAbstractButton*>(w))
            connect(x, &QAbstractButton::toggled, this, &PropertyPage::changed);
        else if (auto* x = qobject_cast<QPlainTextEdit*>(w))
            connect(x, &QPlainTextEdit::textChanged, this, &PropertyPage::changed);
        else if (auto* x = qobject_cast<QListWidget*>(w))
            connect(x, &QListWidget::itemChanged, this, &PropertyPage::changed);
        else if (auto* x = qobject_cast<QTableWidget*>(w))
            connect(x, &QTableWidget::itemChanged, this, &PropertyPage::changed);
        else if (auto* x = qobject_cast<QTreeWidget*>(w))
            connect(x, &QTreeWidget::currentItemChanged, this, &PropertyPage::changed);
        else if (auto* x = qobject_cast<ParameterForm*>(w))
            connect(x, &ParameterForm::changed, this, &PropertyPage::changed);
    }
}

} // namespace lifeline::builder
