#include "ConfigEdits.h"

#include "ObjectPaths.h"

#include <QSet>

#include <algorithm>

namespace lifeline::builder::edits {

using namespace config;
using Kind = ConfigTreeModel::Kind;

namespace {

void replaceAll(QStringList& list, const QString& from, const QString& to) {
    for (auto& s : list)
        if (s == from)
            s = to;
}

// Only the first: a name defined twice (an error clpcfchk shows) keeps the other.
template <class Obj> void renameFirst(QList<Obj>& list, const QString& from, const QString& to) {
    for (auto& o : list)
        if (o.name == from) {
            o.name = to;
            return;
        }
}

// scripts/<prefix>... -> scripts/<to>...; `prefix` ends with '/'.
void movePrefix(Scripts* scripts, const QString& prefix, const QString& to) {
    if (!scripts)
        return;
    for (auto& f : *scripts)
        if (f.path.startsWith(prefix))
            f.path = to + f.path.mid(prefix.size());
}

QString folder(const Group* g, const QString& resource) {
    return g ? g->name + QLatin1Char('/') + resource + QLatin1Char('/') : QString();
}

void renameResource(ClusterConfig& c, Scripts* scripts, const QString& from, const QString& to) {
    const Group* owner = c.groupOf(from);
    if (owner && !from.isEmpty())
        movePrefix(scripts, folder(owner, from), folder(owner, to));
    for (auto& g : c.groups)
        for (auto& ref : g.resourceRefs)
            if (const auto [type, name] = splitResourceRef(ref); name == from)
                ref = type + QLatin1Char('@') + to;
    for (auto& r : c.resources)
        replaceAll(r.depends, from, to);
    renameFirst(c.resources, from, to);
    // While a name is retyped it is empty for a moment; an empty target means
    // "always", so monitors follow only a real name.
    if (from.isEmpty())
        return;
    for (auto& m : c.monitors) {
        if (m.target == from)
            m.target = to;
        if (m.relationType == QLatin1String("rsc") && m.relationName == from)
            m.relationName = to;
    }
}

void renameGroup(ClusterConfig& c, Scripts* scripts, const QString& from, const QString& to) {
    if (!from.isEmpty()) {
        movePrefix(scripts, from + QLatin1Char('/'), to + QLatin1Char('/'));
        for (auto& m : c.monitors)
            if (m.relationType == QLatin1String("grp") && m.relationName == from)
                m.relationName = to;
    }
    renameFirst(c.groups, from, to);
}

// Monitors that recovered a removed group or resource recover the local server.
void forgetRecovery(ClusterConfig& c, const QString& type, const QString& name) {
    for (auto& m : c.monitors)
        if (m.relationType == type && m.relationName == name) {
            m.relationType = QStringLiteral("cls");
            m.relationName = QStringLiteral("LocalServer");
        }
}

void removeResource(ClusterConfig& c, Scripts* scripts, const QString& name) {
    if (const Group* owner = c.groupOf(name); owner && scripts)
        scripts->removeIf(
            [&](const ConfigPackage::File& f) { return f.path.startsWith(folder(owner, name)); });
    for (auto& g : c.groups)
        g.resourceRefs.removeIf(
            [&](const QString& ref) { return splitResourceRef(ref).second == name; });
    for (auto& r : c.resources)
        r.depends.removeAll(name);
    c.resources.removeIf([&](const Resource& r) { return r.name == name; });
    for (auto& m : c.monitors)
        if (m.target == name)
            m.target.clear();
    forgetRecovery(c, QStringLiteral("rsc"), name);
}

// The devices with `id` on every server, unless a route still uses the id.
void removeDevices(ClusterConfig& c, int id) {
    const bool used =
        std::any_of(c.heartbeats.begin(), c.heartbeats.end(), [id](const Heartbeat& h) { return h.deviceId == id; }) ||
        std::any_of(c.npResources.begin(), c.npResources.end(), [id](const NpResource& n) { return n.deviceId == id; });
    if (used)
        return;
    for (auto& s : c.servers)
        s.devices.removeIf([id](const Device& d) { return d.id == id; });
}

// A route's device id, -1 when there is no such route.
int routeDevice(const ClusterConfig& c, Kind kind, const QString& name) {
    if (kind == Kind::Heartbeat)
        if (const auto* h = c.heartbeat(name))
            return h->deviceId;
    if (kind == Kind::NpResource)
        for (const auto& n : c.npResources)
            if (n.name == name)
                return n.deviceId;
    return -1;
}

} // namespace

void renameServerReferences(ClusterConfig& c, const QString& from, const QString& to) {
    for (auto& g : c.groups)
        replaceAll(g.policy, from, to);
    for (auto& m : c.monitors)
        replaceAll(m.servers, from, to);
}

void rename(ClusterConfig& c, Scripts* scripts, Kind kind, const QString& from,
            const QString& to) {
    switch (kind) {
    case Kind::Server:
        renameFirst(c.servers, from, to);
        renameServerReferences(c, from, to);
        break;
    case Kind::Group:
        renameGroup(c, scripts, from, to);
        break;
    case Kind::Resource:
        renameResource(c, scripts, from, to);
        break;
    case Kind::Monitor:
        renameFirst(c.monitors, from, to);
        break;
    default:
        break;
    }
}

QStringList references(const ClusterConfig& c, Kind kind, const QString& name) {
    QStringList out;
    switch (kind) {
    case Kind::Server:
        for (const auto& g : c.groups)
            if (g.policy.contains(name))
                out << QStringLiteral("%1 can run on it").arg(paths::group(g.name));
        for (const auto& m : c.monitors)
            if (m.servers.contains(name))
                out << QStringLiteral("%1 runs on it").arg(paths::monitor(m.name));
        break;
    case Kind::Group:
        if (const auto* g = c.group(name))
            for (const auto& ref : g->resourceRefs)
                out << QStringLiteral("resource \"%1\" belongs to it")
                           .arg(splitResourceRef(ref).second)
                    << references(c, Kind::Resource, splitResourceRef(ref).second);
        for (const auto& m : c.monitors)
            if (m.relationType == QLatin1String("grp") && m.relationName == name)
                out << QStringLiteral("%1 recovers it").arg(paths::monitor(m.name));
        break;
    case Kind::Resource:
        for (const auto& r : c.resources)
            if (r.depends.contains(name))
                out << QStringLiteral("%1 depends on it").arg(paths::resource(c, r.name));
        for (const auto& m : c.monitors) {
            if (m.target == name)
                out << QStringLiteral("%1 monitors while it is active").arg(paths::monitor(m.name));
            if (m.relationType == QLatin1String("rsc") && m.relationName == name)
                out << QStringLiteral("%1 recovers it").arg(paths::monitor(m.name));
        }
        break;
    case Kind::Heartbeat:
    case Kind::NpResource:
        if (const int id = routeDevice(c, kind, name); id >= 0)
            for (const auto& s : c.servers)
                if (s.device(id))
                    out << QStringLiteral("%1 is on it").arg(paths::device(s.name, id));
        break;
    default:
        break;
    }
    out.removeDuplicates();
    return out;
}

void remove(ClusterConfig& c, Scripts* scripts, Kind kind, const QString& name) {
    switch (kind) {
    case Kind::Server:
        c.servers.removeIf([&](const Server& s) { return s.name == name; });
        for (auto& g : c.groups)
            g.policy.removeAll(name);
        for (auto& m : c.monitors)
            m.servers.removeAll(name);
        break;
    case Kind::Group:
        if (const auto* g = c.group(name))
            for (const auto& ref : QStringList(g->resourceRefs))
                removeResource(c, scripts, splitResourceRef(ref).second);
        if (scripts)
            scripts->removeIf([&](const ConfigPackage::File& f) {
                return f.path.startsWith(name + QLatin1Char('/'));
            });
        c.groups.removeIf([&](const Group& g) { return g.name == name; });
        forgetRecovery(c, QStringLiteral("grp"), name);
        break;
    case Kind::Resource:
        removeResource(c, scripts, name);
        break;
    case Kind::Monitor:
        c.monitors.removeIf([&](const Monitor& m) { return m.name == name; });
        break;
    case Kind::Heartbeat:
    case Kind::NpResource: {
        const int id = routeDevice(c, kind, name);
        if (kind == Kind::Heartbeat)
            c.heartbeats.removeIf([&](const Heartbeat& h) { return h.name == name; });
        else
            c.npResources.removeIf([&](const NpResource& n) { return n.name == name; });
        removeDevices(c, id);
        break;
    }
    default:
        break;
    }
}

bool nameTaken(const ClusterConfig& c, Kind kind, const QString& name) {
    if (kind == Kind::Server)
        return c.server(name);
    return c.group(name) || c.resource(name) || c.monitor(name);
}

QString deviceTypeOf(const QString& routeType) {
    static const QHash<QString, QString> types{{QStringLiteral("lanhb"), QStringLiteral("lan")},
                                               {QStringLiteral("lankhb"), QStringLiteral("lan")},
                                               {QStringLiteral("comhb"), QStringLiteral("com")},
                                               {QStringLiteral("diskhb"), QStringLiteral("disk")},
                                               {QStringLiteral("pingnp"), QStringLiteral("ping")}};
    return types.value(routeType);
}

int freeDeviceId(const ClusterConfig& c, const QString& deviceType) {
    static const QHash<QString, int> first{{QStringLiteral("lan"), 0},
                                           {QStringLiteral("com"), 200},
                                           {QStringLiteral("disk"), 300},
                                           {QStringLiteral("ping"), 10200}};
    QSet<int> used;
    for (const auto& s : c.servers)
        for (const auto& d : s.devices)
            used << d.id;
    for (const auto& h : c.heartbeats)
        used << h.deviceId;
    for (const auto& n : c.npResources)
        used << n.deviceId;
    int id = first.value(deviceType);
    while (used.contains(id))
        ++id;
    return id;
}

} // namespace lifeline::builder::edits
