#include "ApplyPolicy.h"

#include "Schema.h"

#include <QDomElement>
#include <QDomNamedNodeMap>
#include <QHash>
#include <QMap>
#include <QRegularExpression>
#include <QSet>

#include <algorithm>
#include <functional>

namespace lifeline::policy {

using config::ClusterConfig;
using Op = ApplyOperation;
using Kind = ConfigChange::Kind;

QString applyOperationName(ApplyOperation operation) {
    switch (operation) {
    case Op::UploadOnly:
        return QStringLiteral("upload-only");
    case Op::RestartWebManager:
        return QStringLiteral("restart-webmanager");
    case Op::SuspendMonitors:
        return QStringLiteral("suspend-monitors");
    case Op::SuspendCluster:
        return QStringLiteral("suspend-cluster");
    case Op::StopGroups:
        return QStringLiteral("stop-groups");
    case Op::StopCluster:
        return QStringLiteral("stop-cluster");
    case Op::ShutdownAndReboot:
        return QStringLiteral("shutdown-reboot");
    }
    return {};
}

QString changeKindName(ConfigChange::Kind kind) {
    switch (kind) {
    case Kind::Added:
        return QStringLiteral("added");
    case Kind::Removed:
        return QStringLiteral("removed");
    case Kind::Changed:
        return QStringLiteral("changed");
    }
    return {};
}

bool ApplyDecision::needs(ApplyOperation op) const {
    return std::any_of(changes.begin(), changes.end(),
                       [op](const ConfigChange& c) { return c.operation == op; });
}

namespace {

// ---- the raw XML: elements Lifeline does not model ---------------------------------

// One path segment: the tag, "[id]" and "{name}" when the element has them, so that
// siblings of one tag are told apart as ConfigReader tells them apart.
QString segmentKey(const QDomElement& e) {
    QString key = e.tagName();
    if (e.hasAttribute(QStringLiteral("id")))
        key += '[' + e.attribute(QStringLiteral("id")) + ']';
    if (e.hasAttribute(QStringLiteral("name")))
        key += '{' + e.attribute(QStringLiteral("name")) + '}';
    return key;
}

// Every leaf below `e` as "a/b[0]/c" -> trimmed text, and every attribute other than
// id and name as "a/b@attr". Siblings with one key get "#2", "#3" in document order.
void flattenInto(const QDomElement& e, const QString& key, QMap<QString, QString>& out,
                 const std::function<bool(const QDomElement&)>& skip = {}) {
    const auto attributes = e.attributes();
    for (int i = 0; i < attributes.count(); ++i) {
        const auto a = attributes.item(i).toAttr();
        if (a.name() != QLatin1String("id") && a.name() != QLatin1String("name"))
            out.insert(key + '@' + a.name(), a.value().trimmed());
    }
    if (e.firstChildElement().isNull()) {
        if (!key.isEmpty())
            out.insert(key, e.text().trimmed());
        return;
    }
    QHash<QString, int> seen;
    for (auto c = e.firstChildElement(); !c.isNull(); c = c.nextSiblingElement()) {
        if (skip && skip(c))
            continue;
        QString k = segmentKey(c);
        if (const int n = ++seen[k]; n > 1)
            k += '#' + QString::number(n);
        flattenInto(c, key.isEmpty() ? k : key + '/' + k, out);
    }
}

QMap<QString, QString> flatten(const QDomElement& e,
                               const std::function<bool(const QDomElement&)>& skip = {}) {
    QMap<QString, QString> out;
    if (!e.isNull())
        flattenInto(e, QString(), out, skip);
    return out;
}

// Objects by name as ConfigReader finds them: the first of a name wins.
using ObjectIndex = QHash<QString, QDomElement>;

void indexChildren(const QDomElement& container, ObjectIndex& index, bool typed) {
    for (auto e = container.firstChildElement(); !e.isNull(); e = e.nextSiblingElement()) {
        if (typed && e.tagName() == QLatin1String("types"))
            continue;
        const auto name = e.attribute(QStringLiteral("name"));
        if (!index.contains(name))
            index.insert(name, e);
    }
}

struct DocumentIndex {
    QDomElement root;
    ObjectIndex servers, heartbeats, nps, groups, resources, monitors;

    explicit DocumentIndex(const config::ConfigDocument* document) {
        if (!document)
            return;
        root = document->root();
        for (auto e = root.firstChildElement(); !e.isNull(); e = e.nextSiblingElement()) {
            const auto tag = e.tagName();
            if (tag == QLatin1String("server") || tag == QLatin1String("group")) {
                auto& index = tag == QLatin1String("server") ? servers : groups;
                if (!index.contains(e.attribute(QStringLiteral("name"))))
                    index.insert(e.attribute(QStringLiteral("name")), e);
            } else if (tag == QLatin1String("resource")) {
                indexChildren(e, resources, true);
            } else if (tag == QLatin1String("monitor")) {
                indexChildren(e, monitors, true);
            }
        }
        indexChildren(root.firstChildElement(QStringLiteral("heartbeat")), heartbeats, true);
        indexChildren(root.firstChildElement(QStringLiteral("networkpartition")), nps, true);
    }
};

// The top-level elements that hold objects (compared through the model, object by object).
bool holdsObjects(const QDomElement& e) {
    static const QSet<QString> tags{QStringLiteral("server"),    QStringLiteral("group"),
                                    QStringLiteral("heartbeat"), QStringLiteral("networkpartition"),
                                    QStringLiteral("resource"),  QStringLiteral("monitor")};
    return tags.contains(e.tagName());
}

template <class Obj> QSet<QString> fieldPaths(const QList<config::schema::Field<Obj>>& fields) {
    QSet<QString> out;
    for (const auto& f : fields)
        out.insert(QString::fromLatin1(f.path));
    return out;
}

bool isParameters(const QString& key) {
    return key == QLatin1String("parameters") || key.startsWith(QLatin1String("parameters/"));
}

// Which raw keys below each kind of object the model already covers.
bool serverModelled(const QString& key) {
    static const auto fields = fieldPaths(config::schema::serverFields());
    static const QRegularExpression device(QStringLiteral(R"(^device\[[^\]]*\](/type|/info)?$)"));
    return fields.contains(key) || device.match(key).hasMatch();
}
bool heartbeatModelled(const QString& key) {
    static const auto fields = fieldPaths(config::schema::heartbeatFields());
    return fields.contains(key) || isParameters(key);
}
bool npModelled(const QString& key) {
    static const auto fields = fieldPaths(config::schema::npFields());
    static const QRegularExpression target(
        QStringLiteral(R"(^grp\[[^\]]*\](/list\[[^\]]*\](/ip)?)?$)"));
    return fields.contains(key) || target.match(key).hasMatch();
}
bool groupModelled(const QString& key) {
    static const auto fields = fieldPaths(config::schema::groupFields());
    static const QRegularExpression refs(
        QStringLiteral(R"(^(resource\{[^}]*\}|policy\{[^}]*\}(/order)?)$)"));
    return fields.contains(key) || refs.match(key).hasMatch();
}
bool resourceModelled(const QString& key) {
    static const auto fields = fieldPaths(config::schema::resourceFields());
    static const QRegularExpression depend(QStringLiteral(R"(^depend\{[^}]*\}$)"));
    return fields.contains(key) || isParameters(key) || depend.match(key).hasMatch();
}
bool monitorModelled(const QString& key) {
    static const auto fields = fieldPaths(config::schema::monitorFields());
    static const QRegularExpression server(QStringLiteral(R"(^server\{[^}]*\}$)"));
    return fields.contains(key) || isParameters(key) || server.match(key).hasMatch();
}
bool rootModelled(const QString& key) {
    static const auto fields = fieldPaths(config::schema::clusterFields());
    return fields.contains(key);
}

// ---- rules --------------------------------------------------------------------------

// Cluster properties (paths relative to <root>).
Op clusterRule(const QString& path) {
    if (path == QLatin1String("cluster/comment") || path == QLatin1String("all/charset") ||
        path == QLatin1String("cluster/syncwait"))
        return Op::UploadOnly;
    if (path.startsWith(QLatin1String("cluster/heartbeat/")) ||
        path == QLatin1String("cluster/networkpartition/npaction"))
        return Op::SuspendCluster;
    if (path.startsWith(QLatin1String("haltp/")))
        return Op::ShutdownAndReboot;
    if (path.startsWith(QLatin1String("webmgr/"))) // passwords, protocol, session timeout
        return Op::RestartWebManager;
    return Op::StopCluster; // cluster/name, cluster/port/*, all/serveros, and any field added later
}

// Top-level elements Lifeline does not model.
Op unmodelledRootRule(const QString& key) {
    if (key == QLatin1String("webmgr") || key.startsWith(QLatin1String("webmgr/")))
        return Op::RestartWebManager;
    if (key == QLatin1String("trekking") || key.startsWith(QLatin1String("trekking/")) ||
        key == QLatin1String("all/encode"))
        return Op::UploadOnly;
    return Op::StopCluster;
}

// ---- values -------------------------------------------------------------------------

template <class Obj> QString fieldText(const Obj& o, const config::schema::Field<Obj>& f) {
    if (auto p = std::get_if<QString Obj::*>(&f.member))
        return o.*(*p);
    if (auto p = std::get_if<int Obj::*>(&f.member))
        return config::schema::formatValue(f.kind, o.*(*p));
    if (auto p = std::get_if<bool Obj::*>(&f.member))
        return (o.*(*p)) ? QStringLiteral("1") : QStringLiteral("0");
    return {};
}

template <class Obj, class Fn>
void diffFields(const Obj& a, const Obj& b, const QList<config::schema::Field<Obj>>& fields,
                Fn report) {
    for (const auto& f : fields) {
        const auto x = fieldText(a, f);
        const auto y = fieldText(b, f);
        if (x != y)
            report(QString::fromLatin1(f.path), x, y);
    }
}

// Type-specific parameters, defaults filled in and numbers compared as numbers, so
// that "60" and "60.000", or a default written out, are no change.
template <class Obj, class Fn>
void diffParameters(const Obj& a, const Obj& b, config::schema::ObjectClass cls, Fn report) {
    auto keys = a.parameters.keys();
    for (const auto& k : b.parameters.keys())
        if (!a.parameters.contains(k))
            keys << k;
    std::sort(keys.begin(), keys.end());
    for (const auto& key : keys) {
        const auto x = a.param(key).trimmed();
        const auto y = b.param(key).trimmed();
        if (x == y)
            continue;
        if (const auto* spec = config::schema::parameterSpec(cls, a.type, key);
            spec && spec->kind != config::schema::FieldKind::Text) {
            const auto px = config::schema::parseValue(spec->kind, x);
            const auto py = config::schema::parseValue(spec->kind, y);
            if (px && py && *px == *py)
                continue;
        }
        report(QStringLiteral("parameters/") + key, x, y);
    }
}

QString deviceText(const config::Device& d) {
    return (d.type + ' ' + d.info).trimmed();
}

QString targetsText(const QList<QStringList>& groups) {
    QStringList parts;
    for (const auto& g : groups)
        parts << g.join(QStringLiteral(", "));
    return parts.join(QStringLiteral("; "));
}

QStringList refNames(const QStringList& refs) {
    QStringList out;
    for (const auto& r : refs)
        out << config::splitResourceRef(r).second;
    return out;
}

QString refType(const QStringList& refs, const QString& name) {
    for (const auto& r : refs)
        if (const auto [type, n] = config::splitResourceRef(r); n == name)
            return type;
    return {};
}

// ---- the comparison -----------------------------------------------------------------

class Differ {
public:
    Differ(const ClusterConfig& a, const ClusterConfig& b, const config::ConfigDocument* da,
           const config::ConfigDocument* db)
        : a_(a), b_(b), rawA_(da), rawB_(db), raw_(da && db) {}

    QList<ConfigChange> run() {
        cluster();
        servers();
        heartbeats();
        nps();
        groups();
        monitors();
        return changes_;
    }

private:
    void add(const QString& object, Kind kind, const QString& oldValue, const QString& newValue,
             Op op, const QString& target = QString()) {
        ConfigChange c;
        c.object = object;
        c.kind = kind;
        c.oldValue = oldValue;
        c.newValue = newValue;
        c.operation = op;
        if (op == Op::StopGroups || op == Op::SuspendMonitors)
            c.target = target;
        changes_ << c;
    }
    void changed(const QString& object, const QString& oldValue, const QString& newValue, Op op,
                 const QString& target = QString()) {
        add(object, Kind::Changed, oldValue, newValue, op, target);
    }

    // Leaves Lifeline does not model, below one object present in both documents.
    void raw(const QString& object, const QDomElement& ea, const QDomElement& eb,
             bool (*modelled)(const QString&)) {
        if (!raw_ || ea.isNull() || eb.isNull())
            return;
        rawLeaves(flatten(ea), flatten(eb), modelled,
                  [&](const QString& key, Kind kind, auto x, auto y) {
                      add(object + QStringLiteral(" / ") + key, kind, x, y, Op::StopCluster);
                  });
    }

    template <class Fn>
    static void rawLeaves(const QMap<QString, QString>& fa, const QMap<QString, QString>& fb,
                          bool (*modelled)(const QString&), Fn report) {
        auto keys = fa.keys();
        for (const auto& k : fb.keys())
            if (!fa.contains(k))
                keys << k;
        std::sort(keys.begin(), keys.end());
        for (const auto& key : keys) {
            if (modelled(key))
                continue;
            // An empty element and a missing one say the same.
            const auto x = fa.value(key);
            const auto y = fb.value(key);
            if (x != y)
                report(key,
                       !fa.contains(key)   ? Kind::Added
                       : !fb.contains(key) ? Kind::Removed
                                           : Kind::Changed,
                       x, y);
        }
    }

    void cluster() {
        diffFields(
            a_.cluster, b_.cluster, config::schema::clusterFields(),
            [&](const QString& path, auto x, auto y) { changed(path, x, y, clusterRule(path)); });
        // The WebManager's client list is modelled as a list (<ip name=.../> elements).
        if (a_.cluster.webmgrClients != b_.cluster.webmgrClients)
            changed(QStringLiteral("webmgr/security/clientlist"),
                    a_.cluster.webmgrClients.join(QLatin1Char(' ')),
                    b_.cluster.webmgrClients.join(QLatin1Char(' ')), Op::RestartWebManager);
        if (!raw_)
            return;
        const auto skip = [](const QDomElement& e) { return holdsObjects(e); };
        rawLeaves(flatten(rawA_.root, skip), flatten(rawB_.root, skip), rootModelled,
                  [&](const QString& key, Kind kind, auto x, auto y) {
                      add(key, kind, x, y, unmodelledRootRule(key));
                  });
    }

    void servers() {
        QStringList removed, added;
        for (const auto& s : a_.servers)
            if (!b_.server(s.name))
                removed << s.name;
        for (const auto& s : b_.servers)
            if (!a_.server(s.name))
                added << s.name;
        // A server removed while another is added may be a rename, which the running
        // daemons cannot follow (each finds itself by name): stop the cluster.
        const Op membership =
            !removed.isEmpty() && !added.isEmpty() ? Op::StopCluster : Op::SuspendCluster;
        for (const auto& sa : a_.servers) {
            const auto object = QStringLiteral("server ") + sa.name;
            const auto* sb = b_.server(sa.name);
            if (!sb) {
                add(object, Kind::Removed, QStringLiteral("server"), QString(), membership);
                continue;
            }
            diffFields(
                sa, *sb, config::schema::serverFields(), [&](const QString& path, auto x, auto y) {
                    changed(object + " / " + path, x, y,
                            path == QLatin1String("comment") ? Op::UploadOnly : Op::SuspendCluster);
                });
            for (const auto& d : sa.devices) {
                const auto dobj = object + QStringLiteral(" / device %1").arg(d.id);
                const auto* db = sb->device(d.id);
                if (!db)
                    add(dobj, Kind::Removed, deviceText(d), QString(), Op::SuspendCluster);
                else {
                    if (d.type != db->type)
                        changed(dobj + " / type", d.type, db->type, Op::SuspendCluster);
                    if (d.info != db->info)
                        changed(dobj + " / info", d.info, db->info, Op::SuspendCluster);
                }
            }
            for (const auto& d : sb->devices)
                if (!sa.device(d.id))
                    add(object + QStringLiteral(" / device %1").arg(d.id), Kind::Added, QString(),
                        deviceText(d), Op::SuspendCluster);
            raw(object, rawA_.servers.value(sa.name), rawB_.servers.value(sa.name), serverModelled);
        }
        for (const auto& s : b_.servers)
            if (!a_.server(s.name))
                add(QStringLiteral("server ") + s.name, Kind::Added, QString(),
                    QStringLiteral("server"), membership);
    }

    // Heartbeat paths and NP resources: every change suspends the cluster.
    void heartbeats() {
        for (const auto& ha : a_.heartbeats) {
            const auto object = QStringLiteral("heartbeat ") + ha.name;
            const auto* hb = b_.heartbeat(ha.name);
            if (!hb) {
                add(object, Kind::Removed, ha.type, QString(), Op::SuspendCluster);
                continue;
            }
            if (ha.type != hb->type) {
                changed(object + " / type", ha.type, hb->type, Op::SuspendCluster);
                continue;
            }
            const auto report = [&](const QString& path, auto x, auto y) {
                changed(object + " / " + path, x, y, Op::SuspendCluster);
            };
            diffFields(ha, *hb, config::schema::heartbeatFields(), report);
            diffParameters(ha, *hb, config::schema::ObjectClass::Heartbeat, report);
            raw(object, rawA_.heartbeats.value(ha.name), rawB_.heartbeats.value(ha.name),
                heartbeatModelled);
        }
        for (const auto& h : b_.heartbeats)
            if (!a_.heartbeat(h.name))
                add(QStringLiteral("heartbeat ") + h.name, Kind::Added, QString(), h.type,
                    Op::SuspendCluster);
    }

    static const config::NpResource* np(const ClusterConfig& c, const QString& name) {
        for (const auto& n : c.npResources)
            if (n.name == name)
                return &n;
        return nullptr;
    }

    void nps() {
        for (const auto& na : a_.npResources) {
            const auto object = QStringLiteral("networkpartition ") + na.name;
            const auto* nb = np(b_, na.name);
            if (!nb) {
                add(object, Kind::Removed, na.type, QString(), Op::SuspendCluster);
                continue;
            }
            if (na.type != nb->type) {
                changed(object + " / type", na.type, nb->type, Op::SuspendCluster);
                continue;
            }
            diffFields(na, *nb, config::schema::npFields(),
                       [&](const QString& path, auto x, auto y) {
                           changed(object + " / " + path, x, y, Op::SuspendCluster);
                       });
            if (na.targetGroups != nb->targetGroups)
                changed(object + " / targets", targetsText(na.targetGroups),
                        targetsText(nb->targetGroups), Op::SuspendCluster);
            raw(object, rawA_.nps.value(na.name), rawB_.nps.value(na.name), npModelled);
        }
        for (const auto& n : b_.npResources)
            if (!np(a_, n.name))
                add(QStringLiteral("networkpartition ") + n.name, Kind::Added, QString(), n.type,
                    Op::SuspendCluster);
    }

    void groups() {
        for (const auto& ga : a_.groups) {
            const auto object = QStringLiteral("group ") + ga.name;
            const auto* gb = b_.group(ga.name);
            if (!gb) {
                // Its resources go with it; its monitors are compared on their own.
                add(object, Kind::Removed, ga.type, QString(), Op::StopGroups, ga.name);
                continue;
            }
            diffFields(ga, *gb, config::schema::groupFields(),
                       [&](const QString& path, auto x, auto y) {
                           changed(object + " / " + path, x, y, groupFieldRule(path), ga.name);
                       });
            if (ga.policy != gb->policy)
                changed(object + " / policy", ga.policy.join(QStringLiteral(", ")),
                        gb->policy.join(QStringLiteral(", ")), Op::StopGroups, ga.name);
            const auto namesA = refNames(ga.resourceRefs);
            const auto namesB = refNames(gb->resourceRefs);
            for (const auto& n : namesA)
                if (!namesB.contains(n))
                    add(object + " / resource " + n, Kind::Removed, refType(ga.resourceRefs, n),
                        QString(), Op::StopGroups, ga.name);
            for (const auto& n : namesB)
                if (!namesA.contains(n))
                    add(object + " / resource " + n, Kind::Added, QString(),
                        refType(gb->resourceRefs, n), Op::StopGroups, ga.name);
            // One wave starts in parallel: the listing order alone changes nothing that runs.
            if (namesA != namesB && QSet<QString>(namesA.begin(), namesA.end()) ==
                                        QSet<QString>(namesB.begin(), namesB.end()))
                changed(object + " / resources", namesA.join(QStringLiteral(", ")),
                        namesB.join(QStringLiteral(", ")), Op::UploadOnly);
            for (const auto& n : namesA) {
                const auto* ra = a_.resource(n);
                const auto* rb = b_.resource(n);
                if (ra && rb)
                    resource(object + " / resource " + n, *ra, *rb, ga.name);
            }
            raw(object, rawA_.groups.value(ga.name), rawB_.groups.value(ga.name), groupModelled);
        }
        for (const auto& g : b_.groups)
            if (!a_.group(g.name))
                add(QStringLiteral("group ") + g.name, Kind::Added, QString(), g.type,
                    Op::UploadOnly);

        // Resources no running group lists: nothing runs them.
        const auto inA = a_.groupIndex();
        const auto inB = b_.groupIndex();
        for (const auto& ra : a_.resources) {
            if (inA.contains(ra.name))
                continue;
            const auto* rb = b_.resource(ra.name);
            const auto newGroup = inB.value(ra.name);
            const auto object = (newGroup.isEmpty() ? QString() : "group " + newGroup + " / ") +
                                "resource " + ra.name;
            if (rb)
                resource(object, ra, *rb, QString());
            else
                add(object, Kind::Removed, ra.type, QString(), Op::UploadOnly);
        }
        for (const auto& rb : b_.resources)
            if (!a_.resource(rb.name) && !inB.contains(rb.name))
                add(QStringLiteral("resource ") + rb.name, Kind::Added, QString(), rb.type,
                    Op::UploadOnly);
    }

    static Op groupFieldRule(const QString& path) {
        // comment and gid are informational; the startup attribute is read at cluster start.
        if (path == QLatin1String("comment") || path == QLatin1String("gid") ||
            path == QLatin1String("start"))
            return Op::UploadOnly;
        return Op::StopGroups; // type, failback: how the running group is placed
    }

    // `group` is the running group that runs the resource, or "" when none does.
    void resource(const QString& object, const config::Resource& ra, const config::Resource& rb,
                  const QString& group) {
        const Op op = group.isEmpty() ? Op::UploadOnly : Op::StopGroups;
        if (ra.type != rb.type) {
            changed(object + " / type", ra.type, rb.type, op, group);
            return;
        }
        diffFields(ra, rb, config::schema::resourceFields(),
                   [&](const QString& path, auto x, auto y) {
                       changed(object + " / " + path, x, y,
                               path == QLatin1String("comment") ? Op::UploadOnly : op, group);
                   });
        if (ra.depends != rb.depends)
            changed(object + " / depend", ra.depends.join(QStringLiteral(", ")),
                    rb.depends.join(QStringLiteral(", ")), op, group);
        diffParameters(ra, rb, config::schema::ObjectClass::Resource,
                       [&](const QString& path, auto x, auto y) {
                           changed(object + " / " + path, x, y, op, group);
                       });
        raw(object, rawA_.resources.value(ra.name), rawB_.resources.value(ra.name),
            resourceModelled);
    }

    void monitors() {
        for (const auto& ma : a_.monitors) {
            const auto object = QStringLiteral("monitor ") + ma.name;
            const auto* mb = b_.monitor(ma.name);
            if (!mb) {
                add(object, Kind::Removed, ma.type, QString(), Op::SuspendMonitors, ma.name);
                continue;
            }
            if (ma.type != mb->type) {
                changed(object + " / type", ma.type, mb->type, Op::SuspendMonitors, ma.name);
                continue;
            }
            diffFields(
                ma, *mb, config::schema::monitorFields(), [&](const QString& path, auto x, auto y) {
                    changed(object + " / " + path, x, y,
                            path == QLatin1String("comment") ? Op::UploadOnly : Op::SuspendMonitors,
                            ma.name);
                });
            if (ma.servers != mb->servers)
                changed(object + " / server", ma.servers.join(QStringLiteral(", ")),
                        mb->servers.join(QStringLiteral(", ")), Op::SuspendMonitors, ma.name);
            diffParameters(ma, *mb, config::schema::ObjectClass::Monitor,
                           [&](const QString& path, auto x, auto y) {
                               // keepalive <-> softdog: a watchdog armed with nowayout
                               // cannot be disarmed, and the supervisor is per boot.
                               const bool method = ma.type == QLatin1String("userw") &&
                                                   path == QLatin1String("parameters/method");
                               changed(object + " / " + path, x, y,
                                       method ? Op::ShutdownAndReboot : Op::SuspendMonitors,
                                       ma.name);
                           });
            raw(object, rawA_.monitors.value(ma.name), rawB_.monitors.value(ma.name),
                monitorModelled);
        }
        for (const auto& m : b_.monitors)
            if (!a_.monitor(m.name))
                add(QStringLiteral("monitor ") + m.name, Kind::Added, QString(), m.type,
                    Op::UploadOnly);
    }

    const ClusterConfig& a_;
    const ClusterConfig& b_;
    DocumentIndex rawA_;
    DocumentIndex rawB_;
    bool raw_;
    QList<ConfigChange> changes_;
};

// ---- messages -----------------------------------------------------------------------

QString toApply(const QString& what) {
    return QStringLiteral("To apply the changes you made, %1.").arg(what);
}

QString stopGroups(const QStringList& groups) {
    return (groups.size() == 1 ? QStringLiteral("stop the group ")
                               : QStringLiteral("stop the groups ")) +
           groups.join(QStringLiteral(", "));
}

QString suspendMonitors(const QStringList& monitors) {
    return (monitors.size() == 1 ? QStringLiteral("suspend the monitor ")
                                 : QStringLiteral("suspend the monitors ")) +
           monitors.join(QStringLiteral(", "));
}

// "a", "a and b", "a, b and c".
QString steps(const QStringList& parts) {
    if (parts.size() <= 1)
        return parts.value(0);
    return parts.mid(0, parts.size() - 1).join(QStringLiteral(", ")) + QStringLiteral(" and ") +
           parts.last();
}

// The steps before an upload that needs less than a stopped cluster.
QString beforeUpload(const QStringList& groups, const QStringList& monitors, bool suspendCluster) {
    QStringList parts;
    if (!groups.isEmpty())
        parts << stopGroups(groups); // first: a group is stopped while the cluster runs
    if (suspendCluster)
        parts << QStringLiteral("suspend the cluster"); // covers the monitors
    else if (!monitors.isEmpty())
        parts << suspendMonitors(monitors);
    return parts.isEmpty() ? QString() : toApply(steps(parts));
}

QStringList without(const QStringList& names, const QStringList& done) {
    QStringList out;
    for (const auto& n : names)
        if (!done.contains(n))
            out << n;
    return out;
}

} // namespace

ApplyDecision decideApply(const ClusterConfig& running, const ClusterConfig& next,
                          const config::ConfigDocument* runningDocument,
                          const config::ConfigDocument* nextDocument) {
    ApplyDecision d;
    d.changes = Differ(running, next, runningDocument, nextDocument).run();
    for (const auto& c : d.changes) {
        d.operation = std::max(d.operation, c.operation);
        if (c.operation == Op::StopGroups && !d.groups.contains(c.target))
            d.groups << c.target;
        if (c.operation == Op::SuspendMonitors && !d.monitors.contains(c.target))
            d.monitors << c.target;
    }
    switch (d.operation) {
    case Op::UploadOnly:
        break;
    case Op::RestartWebManager:
        d.message = toApply(QStringLiteral("restart the WebManager"));
        break;
    case Op::ShutdownAndReboot:
        d.message = toApply(QStringLiteral("shutdown and reboot the cluster"));
        break;
    case Op::StopCluster:
        d.message = toApply(QStringLiteral("stop the cluster"));
        break;
    case Op::SuspendMonitors:
    case Op::SuspendCluster:
    case Op::StopGroups:
        d.message = beforeUpload(d.groups, d.monitors, d.needs(Op::SuspendCluster));
        break;
    }
    if (d.operation == Op::ShutdownAndReboot)
        d.afterUpload = d.message;
    else if (d.needs(Op::RestartWebManager))
        d.afterUpload = toApply(QStringLiteral("restart the WebManager"));
    return d;
}

ApplyCheck checkApplyState(const ApplyDecision& decision, const ApplyState& state) {
    ApplyCheck check;
    if (state.cluster == ClusterRunState::Stopped)
        return check; // a stopped cluster covers every requirement
    if (decision.operation >= Op::StopCluster) {
        check.allowed = false;
        check.message = toApply(QStringLiteral("stop the cluster"));
        return check;
    }
    const bool online = state.cluster == ClusterRunState::Online;
    const bool suspend = decision.needs(Op::SuspendCluster);
    const auto groups = without(decision.groups, state.stoppedGroups);
    // A suspended cluster runs no monitor.
    const auto monitors =
        online && !suspend ? without(decision.monitors, state.suspendedMonitors) : QStringList();
    check.message = beforeUpload(groups, monitors, suspend && online);
    check.allowed = check.message.isEmpty();
    return check;
}

} // namespace lifeline::policy
