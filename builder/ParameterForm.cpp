#include "ParameterForm.h"

#include "DiscoveryDialog.h"

#include <QComboBox>
#include <QFormLayout>
#include <QLineEdit>

namespace lifeline::builder {

using namespace config;

ParameterForm::ParameterForm(QWidget* parent) : QWidget(parent), form_(new QFormLayout(this)) {
    form_->setContentsMargins(0, 0, 0, 0);
}

void ParameterForm::setType(schema::ObjectClass objectClass, const QString& type,
                            const QStringList& keys, const QMap<QString, QString>& values) {
    while (form_->rowCount() > 0)
        form_->removeRow(0);
    keys_.clear();
    defaults_.clear();
    for (const auto& spec : schema::parameterSpecs()) {
        const QString key = QString::fromLatin1(spec.key);
        if (spec.objectClass != objectClass || type != QLatin1String(spec.type) ||
            (!keys.isEmpty() && !keys.contains(key)))
            continue;
        keys_ << key;
        defaults_.insert(key, QString::fromLatin1(spec.defaultValue));
        const QString value = values.value(key);
        QWidget* field = nullptr;
        if (spec.allowed) {
            auto* box = new QComboBox(this);
            box->addItems(QString::fromLatin1(spec.allowed).split(QLatin1Char('|')));
            box->setCurrentText(value.isEmpty() ? QString::fromLatin1(spec.defaultValue) : value);
            connect(box, &QComboBox::currentTextChanged, this, &ParameterForm::changed);
            field = box;
        } else {
            auto* line = new QLineEdit(value, this);
            line->setPlaceholderText(spec.required ? tr("required")
                                                   : QString::fromLatin1(spec.defaultValue));
            connect(line, &QLineEdit::textChanged, this, &ParameterForm::changed);
            // A disk resource's device can be picked from the cluster's ("Discover…").
            if (objectClass == schema::ObjectClass::Resource && type == QLatin1String("disk") &&
                key == QLatin1String("device"))
                DiscoveryDialog::attach(line, DiscoveryDialog::Kind::Disk);
            field = line;
        }
        field->setObjectName(QStringLiteral("param:") + key);
        field->setToolTip(QString::fromUtf8(spec.meaning));
        form_->addRow(key + QLatin1Char(':'), field);
    }
}

QMap<QString, QString> ParameterForm::values() const {
    QMap<QString, QString> out;
    for (const auto& key : keys_) {
        const auto* field = findChild<QWidget*>(QStringLiteral("param:") + key);
        QString value;
        if (const auto* box = qobject_cast<const QComboBox*>(field))
            value = box->currentText();
        else if (const auto* line = qobject_cast<const QLineEdit*>(field))
            value = line->text().trimmed();
        if (!value.isEmpty())
            out.insert(key, value);
    }
    return out;
}

void ParameterForm::storeInto(QMap<QString, QString>& parameters) const {
    const auto shown = values();
    for (const auto& key : keys_) {
        const bool implicit = !parameters.contains(key) && shown.value(key) == defaults_.value(key);
        parameters.remove(key);
        if (shown.contains(key) && !implicit)
            parameters.insert(key, shown.value(key));
    }
}

} // namespace lifeline::builder
