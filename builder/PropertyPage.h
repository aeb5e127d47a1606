#pragma once

#include "ConfigEdits.h"
#include "Diagnostic.h"

#include <QWidget>

class QFormLayout;
class QLineEdit;

namespace lifeline::builder {

// The editable form of one object in the tree, shown by PropertyDialog. A page
// loads the object from the configuration, writes its fields back into a copy of
// it (store), and says which of clpcfchk's findings are about the object.
class PropertyPage : public QWidget {
    Q_OBJECT
public:
    // `name`: the object's name in the configuration loaded (empty for the cluster).
    explicit PropertyPage(const QString& name, QWidget* parent = nullptr)
        : QWidget(parent), name_(name) {}

    virtual void load(const config::ClusterConfig& config, const Scripts& scripts) = 0;
    virtual void store(config::ClusterConfig& config, Scripts& scripts) const = 0;
    virtual bool concerns(const config::Diagnostic& d) const = 0;
    // The name as edited on the page (a rename when it differs from name()).
    virtual QString editedName() const;
    QString name() const { return name_; }
    // After Apply: the configuration now knows the object by `name`.
    void rebase(const QString& name, const config::ClusterConfig& config, const Scripts& scripts);

signals:
    void changed();

protected:
    // The Name and Comment rows that open every object's page (object names
    // "propertyName", "propertyComment"); editedName() is then the Name field.
    void addNameRows(QFormLayout* form);
    void loadNameRows(const QString& comment);
    // A changed Name renames the object in `config`, following references; the
    // object's name after that.
    QString storeName(config::ClusterConfig& config, Scripts& scripts,
                      ConfigTreeModel::Kind kind) const;
    QString comment() const;

    QString name_;
    QLineEdit* nameEdit_ = nullptr;
    QLineEdit* commentEdit_ = nullptr;
    // Every edit of these widgets is a change of the page.
    void watch(const QList<QWidget*>& widgets);
};

} // namespace lifeline::builder
