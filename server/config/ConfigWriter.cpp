#include "ConfigWriter.h"

#include "ConfigReader.h"
#include "FieldIo.h"

namespace lifeline::config {

namespace {

QDomElement named(const QList<QDomElement>& elements, const QString& name) {
    for (const auto& e : elements)
        if (e.attribute(QStringLiteral("name")) == name)
            return e;
    return {};
}

QDomElement appendNamed(QDomElement parent, const QString& tag, const QString& name) {
    auto e = parent.ownerDocument().createElement(tag);
    e.setAttribute(QStringLiteral("name"), name);
    parent.appendChild(e);
    return e;
}

// <heartbeat>, <networkpartition>, <resource>, <monitor>: one element per object
// named after its type, with a <types name="..."/> marker per type.
QList<QDomElement> typedChildren(const QDomElement& container) {
    QList<QDomElement> out;
    for (const auto& e : xml::children(container))
        if (e.tagName() != QLatin1String("types"))
            out << e;
    return out;
}

void ensureTypeMarker(QDomElement container, const QString& type) {
    for (const auto& t : xml::children(container, QStringLiteral("types")))
        if (t.attribute(QStringLiteral("name")) == type)
            return;
    appendNamed(container, QStringLiteral("types"), type);
}

template <class Obj>
const Obj* find(const QList<Obj>& list, const QString& name) {
    for (const auto& o : list)
        if (o.name == name)
            return &o;
    return nullptr;
}

// Removes the elements of `existing` whose names are not in `wanted`.
template <class Obj>
void removeMissing(const QList<QDomElement>& existing, const QList<Obj>& wanted) {
    for (auto e : existing)
        if (!find(wanted, e.attribute(QStringLiteral("name"))))
            e.parentNode().removeChild(e);
}

// Rewrites a list of <tag name="..."/> children when it differs.
void syncNameList(QDomElement parent, const QString& tag, const QStringList& before,
                  const QStringList& wanted) {
    if (before == wanted)
        return;
    for (auto e : xml::children(parent, tag))
        parent.removeChild(e);
    for (const auto& name : wanted)
        appendNamed(parent, tag, name);
}

void writeServer(const Server& now, const Server& before, QDomElement e) {
    fieldio::write(now, before, e, schema::serverFields());
    const auto devices = xml::children(e, QStringLiteral("device"));
    for (auto d : devices) {
        const int id = d.attribute(QStringLiteral("id")).toInt();
        if (!now.device(id))
            e.removeChild(d);
    }
    for (const auto& device : now.devices) {
        const Device* old = before.device(device.id);
        QDomElement d;
        for (const auto& existing : devices)
            if (existing.attribute(QStringLiteral("id")).toInt() == device.id)
                d = existing;
        if (d.isNull()) {
            d = e.ownerDocument().createElement(QStringLiteral("device"));
            d.setAttribute(QStringLiteral("id"), device.id);
            e.appendChild(d);
        }
        if (!old || old->type != device.type)
            xml::setText(xml::ensure(d, QStringLiteral("type")), device.type);
        if (!old || old->info != device.info)
            xml::setText(xml::ensure(d, QStringLiteral("info")), device.info);
    }
}

void writeGroup(const Group& now, const Group& before, QDomElement e) {
    fieldio::write(now, before, e, schema::groupFields());
    syncNameList(e, QStringLiteral("resource"), before.resourceRefs, now.resourceRefs);
    if (before.policy != now.policy) {
        for (auto p : xml::children(e, QStringLiteral("policy")))
            e.removeChild(p);
        for (int i = 0; i < now.policy.size(); ++i)
            xml::setText(xml::ensure(appendNamed(e, QStringLiteral("policy"), now.policy[i]),
                                     QStringLiteral("order")),
                         QString::number(i));
    }
}

void writeNp(const NpResource& now, const NpResource& before, QDomElement e) {
    fieldio::write(now, before, e, schema::npFields());
    if (before.targetGroups == now.targetGroups)
        return;
    for (auto g : xml::children(e, QStringLiteral("grp")))
        e.removeChild(g);
    for (int g = 0; g < now.targetGroups.size(); ++g)
        for (int i = 0; i < now.targetGroups[g].size(); ++i)
            xml::setText(xml::ensure(e, QStringLiteral("grp[%1]/list[%2]/ip").arg(g).arg(i)),
                         now.targetGroups[g][i]);
}

template <class Obj>
void writeParameters(const Obj& now, const Obj& before, QDomElement e) {
    if (now.parameters == before.parameters)
        return;
    xml::syncFlattened(xml::ensure(e, QStringLiteral("parameters")), before.parameters,
                       now.parameters);
}

// Syncs one typed container (<heartbeat>, <resource>, ...) with `wanted`.
template <class Obj, class WriteOne>
void syncTyped(QDomElement root, const QString& containerTag, const QList<Obj>& wanted,
               const QList<Obj>& before, WriteOne writeOne) {
    auto containers = xml::children(root, containerTag);
    if (containers.isEmpty() && wanted.isEmpty())
        return;
    if (containers.isEmpty()) {
        containers << root.ownerDocument().createElement(containerTag);
        root.appendChild(containers.first());
    }
    QList<QDomElement> existing;
    for (const auto& c : containers)
        existing << typedChildren(c);
    removeMissing(existing, wanted);
    for (const auto& obj : wanted) {
        QDomElement e = named(existing, obj.name);
        const Obj* old = find(before, obj.name);
        if (!e.isNull() && e.tagName() != obj.type) { // type changed: start afresh
            e.parentNode().removeChild(e);
            e = QDomElement();
            old = nullptr;
        }
        if (e.isNull()) {
            ensureTypeMarker(containers.first(), obj.type);
            e = appendNamed(containers.first(), obj.type, obj.name);
        }
        const Obj fresh{};
        writeOne(obj, old ? *old : fresh, e);
    }
}

} // namespace

void writeConfig(const ClusterConfig& config, ConfigDocument& document) {
    Diagnostics ignored; // the document was read before; its problems are not ours to repeat
    const ClusterConfig before = readConfig(document, ignored);
    QDomElement root = document.root();

    fieldio::write(config.cluster, before.cluster, root, schema::clusterFields());
    if (before.cluster.webmgrClients != config.cluster.webmgrClients)
        syncNameList(xml::ensure(root, QStringLiteral("webmgr/security/clientlist")),
                     QStringLiteral("ip"), before.cluster.webmgrClients,
                     config.cluster.webmgrClients);

    const auto servers = xml::children(root, QStringLiteral("server"));
    removeMissing(servers, config.servers);
    for (const auto& s : config.servers) {
        auto e = named(servers, s.name);
        if (e.isNull())
            e = appendNamed(root, QStringLiteral("server"), s.name);
        const auto* old = find(before.servers, s.name);
        writeServer(s, old ? *old : Server{}, e);
    }

    syncTyped(root, QStringLiteral("heartbeat"), config.heartbeats, before.heartbeats,
              [](const Heartbeat& now, const Heartbeat& old, QDomElement e) {
                  fieldio::write(now, old, e, schema::heartbeatFields());
                  writeParameters(now, old, e);
              });
    syncTyped(root, QStringLiteral("networkpartition"), config.npResources, before.npResources,
              writeNp);

    const auto groups = xml::children(root, QStringLiteral("group"));
    removeMissing(groups, config.groups);
    for (const auto& g : config.groups) {
        auto e = named(groups, g.name);
        if (e.isNull())
            e = appendNamed(root, QStringLiteral("group"), g.name);
        const auto* old = find(before.groups, g.name);
        writeGroup(g, old ? *old : Group{}, e);
    }

    syncTyped(root, QStringLiteral("resource"), config.resources, before.resources,
              [](const Resource& now, const Resource& old, QDomElement e) {
                  fieldio::write(now, old, e, schema::resourceFields());
                  syncNameList(e, QStringLiteral("depend"), old.depends, now.depends);
                  writeParameters(now, old, e);
              });
    syncTyped(root, QStringLiteral("monitor"), config.monitors, before.monitors,
              [](const Monitor& now, const Monitor& old, QDomElement e) {
                  fieldio::write(now, old, e, schema::monitorFields());
                  syncNameList(e, QStringLiteral("server"), old.servers, now.servers);
                  writeParameters(now, old, e);
              });
}

} // namespace lifeline::config
