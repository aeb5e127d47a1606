#include "PropertyView.h"

#include "Schema.h"

#include <QHeaderView>

namespace lifeline::builder {

using namespace config;

namespace {

using Rows = QList<std::pair<QString, QString>>;

template <class Obj> Rows fieldRows(const Obj& obj, const QList<schema::Field<Obj>>& fields) {
    Rows rows;
    for (const auto& f : fields) {
        QString value;
        if (auto p = std::get_if<QString Obj::*>(&f.member))
            value = obj.*(*p);
        else if (auto p = std::get_if<int Obj::*>(&f.member))
            value = schema::formatValue(f.kind, obj.*(*p));
        else if (auto p = std::get_if<bool Obj::*>(&f.member))
            value = (obj.*(*p)) ? QStringLiteral("1") : QStringLiteral("0");
        rows << std::pair{QString::fromLatin1(f.path), value};
    }
    return rows;
}

Rows parameterRows(const QMap<QString, QString>& parameters) {
    Rows rows;
    for (auto it = parameters.begin(); it != parameters.end(); ++it)
        rows << std::pair{QStringLiteral("parameters/") + it.key(), it.value()};
    return rows;
}

template <class Obj> const Obj* named(const QList<Obj>& list, const QString& name) {
    for (const auto& o : list)
        if (o.name == name)
            return &o;
    return nullptr;
}

} // namespace

PropertyView::PropertyView(QWidget* parent) : QTableWidget(0, 2, parent) {
    setObjectName(QStringLiteral("propertyView"));
    setHorizontalHeaderLabels({tr("Property"), tr("Value")});
    horizontalHeader()->setStretchLastSection(true);
    verticalHeader()->hide();
    setEditTriggers(QAbstractItemView::NoEditTriggers);
}

void PropertyView::addRow(const QString& property, const QString& value) {
    const int row = rowCount();
    insertRow(row);
    setItem(row, 0, new QTableWidgetItem(property));
    setItem(row, 1, new QTableWidgetItem(value));
}

void PropertyView::showObject(const ClusterConfig& config, ConfigTreeModel::Kind kind,
                              const QString& name) {
    setRowCount(0);
    Rows rows;
    using Kind = ConfigTreeModel::Kind;
    switch (kind) {
    case Kind::Cluster:
        rows = fieldRows(config.cluster, schema::clusterFields());
        break;
    case Kind::Server:
        if (const auto* s = config.server(name)) {
            rows << std::pair{QStringLiteral("name"), s->name};
            rows << fieldRows(*s, schema::serverFields());
            for (const auto& d : s->devices)
                rows << std::pair{QStringLiteral("device %1 (%2)").arg(d.id).arg(d.type), d.info};
        }
        break;
    case Kind::Heartbeat:
        if (const auto* hb = config.heartbeat(name)) {
            rows << std::pair{QStringLiteral("type"), hb->type};
            rows << fieldRows(*hb, schema::heartbeatFields()) << parameterRows(hb->parameters);
        }
        break;
    case Kind::NpResource:
        if (const auto* np = named(config.npResources, name)) {
            rows << std::pair{QStringLiteral("type"), np->type};
            rows << fieldRows(*np, schema::npFields());
            for (const auto& group : np->targetGroups)
                rows << std::pair{QStringLiteral("ping targets"), group.join(QStringLiteral(", "))};
        }
        break;
    case Kind::Group:
        if (const auto* g = config.group(name)) {
            rows << fieldRows(*g, schema::groupFields());
            rows << std::pair{QStringLiteral("servers"),
                              config.serversFor(*g).join(QStringLiteral(", "))};
            rows << std::pair{QStringLiteral("resources"),
                              g->resourceRefs.join(QStringLiteral(", "))};
        }
        break;
    case Kind::Resource:
        if (const auto* r = config.resource(name)) {
            rows << std::pair{QStringLiteral("type"), r->type};
            rows << fieldRows(*r, schema::resourceFields());
            rows << std::pair{QStringLiteral("depend"), r->depends.join(QStringLiteral(", "))};
            rows << parameterRows(r->parameters);
        }
        break;
    case Kind::Monitor:
        if (const auto* m = config.monitor(name)) {
            rows << std::pair{QStringLiteral("type"), m->type};
            rows << fieldRows(*m, schema::monitorFields()) << parameterRows(m->parameters);
        }
        break;
    case Kind::Folder:
        break;
    }
    for (const auto& [property, value] : rows)
        addRow(property, value);
    resizeColumnToContents(0);
}

QString PropertyView::value(const QString& property) const {
    for (int row = 0; row < rowCount(); ++row)
        if (item(row, 0)->text() == property)
            return item(row, 1)->text();
    return {};
}

} // namespace lifeline::builder
