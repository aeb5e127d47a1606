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
    // Writes the keys shown into `parameters`: an empty line removes the key (the
    // default applies), a choice left at its default is not added where the key was
    // not set, and keys not shown are kept.
    void storeInto(QMap<QString, QString>& parameters) const;

signals:
    void changed();

private:
    QFormLayout* form_;
    QStringList keys_;
    QMap<QString, QString> defaults_; // key -> default, for the keys shown
};

} // namespace lifeline::builder
