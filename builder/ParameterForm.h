#pragma once

#include "Schema.h"

#include <QMap>
#include <QWidget>

class QFormLayout;

namespace lifeline::builder {

// The type-specific <parameters> of a resource or monitor as a form built from the
// schema's parameter specs: a choice list where the values are fixed, else a line
// whose placeholder is the default (left empty, the default applies). Each field's
// object name is "param:<key>" (e.g. "param:mount/point").
class ParameterForm : public QWidget {
    Q_OBJECT
public:
    explicit ParameterForm(QWidget* parent = nullptr);

    // Shows `keys` of `type` (all its specs when `keys` is empty) with `values`.
    void setType(config::schema::ObjectClass objectClass, const QString& type,
                 const QStringList& keys, const QMap<QString, QString>& values);
    // Only the keys shown; empty lines are left out.
    QMap<QString, QString> values() const;

signals:
    void changed();

private:
    QFormLayout* form_;
    QStringList keys_;
};

} // namespace lifeline::builder
