#include "ClusterConfig.h"

#include "Schema.h"

#include <algorithm>

namespace lifeline::config {

QString finalActionName(int code) {
    switch (FinalAction(code)) {
    case FinalAction::NoOperation: return QStringLiteral("No operation");
    case FinalAction::NoOperationStopActivating:
        return QStringLiteral("No operation (not activate next resource)");
    case FinalAction::StopGroup: return QStringLiteral("Stop group");
    case FinalAction::StopClusterService: return QStringLiteral("Stop the cluster service");
    case FinalAction::StopClusterServiceAndShutdown:
        return QStringLiteral("Stop the cluster service and shut down OS");
    case FinalAction::StopClusterServiceAndReboot:
        return QStringLiteral("Stop the cluster service and reboot OS");
    case FinalAction::SysrqPanic: return QStringLiteral("Sysrq panic");
    case FinalAction::KeepaliveReset: return QStringLiteral("Keepalive reset");
    case FinalAction::KeepalivePanic: return QStringLiteral("Keepalive panic");
    case FinalAction::StopResource: return QStringLiteral("Stop resource");
    }
    return QStringLiteral("unknown action %1").arg(code);
}

const Device* Server::device(int id) const {
    for (const auto& d : devices)
        if (d.id == id)
            return &d;
    return nullptr;
}

HeartbeatKind Heartbeat::kind() const {
    if (type == QLatin1String("lanhb"))
        return HeartbeatKind::Lan;
    if (type == QLatin1String("lankhb"))
        return HeartbeatKind::KernelLan;
    if (type == QLatin1String("diskhb"))
        return HeartbeatKind::Disk;
    if (type == QLatin1String("comhb"))
        return HeartbeatKind::Com;
    return HeartbeatKind::Unsupported;
}

QString Heartbeat::param(const QString& key) const {
    const auto it = parameters.find(key);
    if (it != parameters.end())
        return *it;
    return schema::parameterDefault(schema::ObjectClass::Heartbeat, type, key);
}

QString Resource::param(const QString& key) const {
    const auto it = parameters.find(key);
    if (it != parameters.end())
        return *it;
    return schema::parameterDefault(schema::ObjectClass::Resource, type, key);
}

QString Monitor::param(const QString& key) const {
    const auto it = parameters.find(key);
    if (it != parameters.end())
        return *it;
    return schema::parameterDefault(schema::ObjectClass::Monitor, type, key);
}

template <class T>
static const T* findByName(const QList<T>& list, const QString& name) {
    for (const auto& item : list)
        if (item.name == name)
            return &item;
    return nullptr;
}

const Server* ClusterConfig::server(const QString& name) const { return findByName(servers, name); }
const Group* ClusterConfig::group(const QString& name) const { return findByName(groups, name); }
const Resource* ClusterConfig::resource(const QString& name) const {
    return findByName(resources, name);
}
const Monitor* ClusterConfig::monitor(const QString& name) const {
    return findByName(monitors, name);
}

const Heartbeat* ClusterConfig::heartbeat(const QString& name) const {
    return findByName(heartbeats, name);
}

const Group* ClusterConfig::groupOf(const QString& resourceName) const {
    for (const auto& g : groups)
        for (const auto& ref : g.resourceRefs)
            if (splitResourceRef(ref).second == resourceName)
                return &g;
    return nullptr;
}

QHash<QString, QString> ClusterConfig::groupIndex() const {
    QHash<QString, QString> index;
    for (const auto& g : groups)
        for (const auto& ref : g.resourceRefs)
            index.insert(splitResourceRef(ref).second, g.name); // later groups win; duplicates are errors anyway
    return index;
}

QList<Server> ClusterConfig::serversByPriority() const {
    auto sorted = servers;
    std::stable_sort(sorted.begin(), sorted.end(),
                     [](const Server& a, const Server& b) { return a.priority < b.priority; });
    return sorted;
}

QStringList ClusterConfig::serversFor(const Group& group) const {
    if (!group.policy.isEmpty())
        return group.policy;
    QStringList names;
    for (const auto& s : serversByPriority())
        names << s.name;
    return names;
}

QStringList ClusterConfig::lanAddresses(const QString& name) const {
    const auto* s = server(name);
    if (!s)
        return {};
    auto paths = heartbeats;
    std::stable_sort(paths.begin(), paths.end(), [](auto& a, auto& b) { return a.priority < b.priority; });
    QStringList out;
    auto add = [&](const Device* d) {
        if (!d || d->type != QLatin1String("lan"))
            return;
        const QString address = d->info.section('/', 0, 0);
        if (!out.contains(address))
            out << address;
    };
    for (const auto& hb : paths)
        add(s->device(hb.deviceId));
    for (const auto& d : s->devices)
        add(&d);
    return out;
}

std::pair<QString, QString> splitResourceRef(const QString& ref) {
    const auto at = ref.indexOf('@');
    if (at < 0)
        return {QString(), ref};
    return {ref.left(at), ref.mid(at + 1)};
}

} // namespace lifeline::config
