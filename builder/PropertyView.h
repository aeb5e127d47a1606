#pragma once

#include "ClusterConfig.h"
#include "ConfigTreeModel.h"

#include <QTableWidget>

namespace lifeline::builder {

// A read-only table of one object's settings: every field of its schema table
// (server/config/Schema.cpp) as written in clp.conf, then its lists and type
// parameters. Editing property pages come later.
class PropertyView : public QTableWidget {
    Q_OBJECT
public:
    explicit PropertyView(QWidget* parent = nullptr);

    void showObject(const config::ClusterConfig& config, ConfigTreeModel::Kind kind,
                    const QString& name);
    // The value shown for `property` (tests).
    QString value(const QString& property) const;

private:
    void addRow(const QString& property, const QString& value);
};

} // namespace lifeline::builder
