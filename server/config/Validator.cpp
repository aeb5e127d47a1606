#include "Validator.h"

#include "ObjectPaths.h"
#include "Schema.h"

#include <QHash>
#include <QHostAddress>
#include <QRegularExpression>
#include <QSet>
#include <QUrl>

#include <functional>

namespace lifeline::config {

namespace {

using schema::ObjectClass;

constexpr int kMaxServers = 32;

class Checker {
public:
    Checker(const ClusterConfig& c, Diagnostics& d) : cfg(c), diag(d) {
        // Indexes, so that every check stays linear even on absurdly large files.
        index(cfg.servers, servers_);
        index(cfg.groups, groups_);
        index(cfg.resources, resources_);
        index(cfg.monitors, monitors_);
        groupOfResource_ = cfg.groupIndex();
    }

    void run() {
        checkCluster();
        checkServers();
        checkHeartbeats();
        checkNetworkPartition();
        checkGroups();
        checkResources();
        checkDependencies();
        checkMonitors();
        checkSharedDevices();
    }

private:
    const ClusterConfig& cfg;
    Diagnostics& diag;
    QHash<QString, const Server*> servers_;
    QHash<QString, const Group*> groups_;
    QHash<QString, const Resource*> resources_;
    QHash<QString, const Monitor*> monitors_;
    QHash<QString, QString> groupOfResource_;

    template <class T>
    static void index(const QList<T>& items, QHash<QString, const T*>& out) {
        for (const auto& item : items)
            if (!out.contains(item.name)) // the first definition counts, as in ClusterConfig
                out.insert(item.name, &item);
    }
    const Server* server(const QString& n) const { return servers_.value(n); }
    const Group* group(const QString& n) const { return groups_.value(n); }
    const Resource* resource(const QString& n) const { return resources_.value(n); }
    const Monitor* monitor(const QString& n) const { return monitors_.value(n); }
    const Group* groupOf(const QString& resourceName) const {
        return group(groupOfResource_.value(resourceName));
    }
    QString resourcePath(const QString& name) const {
        return paths::resourceInGroup(groupOfResource_.value(name), name);
    }

    void error(const QString& path, const QString& message) { diag.error(path, message); }
    void warning(const QString& path, const QString& message) { diag.warning(path, message); }

    static bool validName(const QString& name) {
        static const QRegularExpression re(QStringLiteral(R"(^[A-Za-z0-9][A-Za-z0-9_.\-]{0,62}$)"));
        return re.match(name).hasMatch();
    }

    template <class T>
    void checkNames(const QList<T>& items, const QString& kind,
                    const std::function<QString(const QString&)>& pathOf) {
        QSet<QString> seen;
        for (const auto& item : items) {
            if (item.name.isEmpty())
                continue; // reported by the reader
            if (!validName(item.name))
                error(pathOf(item.name),
                      QStringLiteral("name \"%1\" is not valid: use letters, digits, '-', '_' "
                                     "and '.', at most 63 characters, starting with a letter or "
                                     "digit")
                          .arg(item.name));
            if (seen.contains(item.name))
                error(pathOf(item.name),
                      QStringLiteral("%1 name \"%2\" is defined more than once").arg(kind, item.name));
            seen.insert(item.name);
        }
    }

    // Reports an unknown or unsupported type; true when Lifeline can run it.
    bool checkType(ObjectClass cls, const QString& type, const QString& path) {
        const auto* info = schema::typeInfo(cls, type);
        if (!info) {
            error(path, QStringLiteral("unknown %1 type \"%2\"")
                            .arg(schema::objectClassName(cls), type));
            return false;
        }
        if (!info->supported) {
            error(path, QStringLiteral("type %1 (%2) is not supported by Lifeline")
                            .arg(type, QString::fromLatin1(info->description)));
            return false;
        }
        return true;
    }

    void checkCluster() {
        if (cfg.cluster.name.trimmed().isEmpty())
            error(QStringLiteral("cluster / name"), QStringLiteral("the cluster has no name"));
        if (cfg.cluster.serverOs == QLatin1String("windows"))
            error(QStringLiteral("all / serveros"),
                  QStringLiteral("the configuration is for Windows servers; Lifeline runs on "
                                 "Linux"));
        const auto& p = cfg.cluster;
        // A value that failed to parse was replaced by its default and already
        // reported; comparing that default with its neighbour would only confuse.
        if (p.heartbeatTimeoutMs < 2 * p.heartbeatIntervalMs &&
            !diag.hasErrorAt(QStringLiteral("cluster/heartbeat/interval")) &&
            !diag.hasErrorAt(QStringLiteral("cluster/heartbeat/timeout")))
            error(QStringLiteral("cluster / heartbeat/timeout"),
                  QStringLiteral("timeout %1 ms is less than twice the interval (%2 ms): one late "
                                 "packet would mark a server down")
                      .arg(p.heartbeatTimeoutMs)
                      .arg(p.heartbeatIntervalMs));
        // The losing side of a partition must let go of everything it holds.
        if (p.npAction < int(FinalAction::StopClusterService) ||
            p.npAction == int(FinalAction::StopResource))
            error(QStringLiteral("cluster / networkpartition/npaction"),
                  QStringLiteral("action %1 (%2) would leave an isolated server running its "
                                 "groups; use 3 (stop the cluster service) to 8")
                      .arg(p.npAction)
                      .arg(finalActionName(p.npAction)));
        QHash<int, QString> ports;
        const std::pair<int, const char*> all[] = {{p.internalPort, "internal"},
                                                   {p.heartbeatPort, "heartbeat"},
                                                   {p.webmgrPort, "webmgr"},
                                                   {p.kernelHeartbeatPort, "kernelhb"}};
        for (const auto& [port, name] : all) {
            if (ports.contains(port))
                error(QStringLiteral("cluster / port/%1").arg(QLatin1String(name)),
                      QStringLiteral("port %1 is also the %2 port").arg(port).arg(ports[port]));
            ports.insert(port, QLatin1String(name));
        }
        for (const auto& client : p.webmgrClients) {
            const bool address = !QHostAddress(client).isNull();
            if (!address && QHostAddress::parseSubnet(client).first.isNull())
                error(QStringLiteral("webmgr / security/clientlist/ip \"%1\"").arg(client),
                      QStringLiteral("not an address or a subnet (a.b.c.d or a.b.c.d/len)"));
        }
    }

    void checkServers() {
        if (cfg.servers.isEmpty()) {
            error(QStringLiteral("server"), QStringLiteral("no server is defined"));
            return;
        }
        if (cfg.servers.size() > kMaxServers)
            error(QStringLiteral("server"),
                  QStringLiteral("%1 servers are defined; a cluster has at most %2")
                      .arg(cfg.servers.size())
                      .arg(kMaxServers));
        checkNames(cfg.servers, QStringLiteral("server"), &paths::server);
        QHash<int, QString> priorities;
        for (const auto& s : cfg.servers) {
            if (priorities.contains(s.priority))
                error(paths::server(s.name) + " / priority",
                      QStringLiteral("priority %1 is also the priority of server \"%2\"")
                          .arg(s.priority)
                          .arg(priorities[s.priority]));
            priorities.insert(s.priority, s.name);
            QSet<int> ids;
            for (const auto& d : s.devices) {
                if (ids.contains(d.id))
                    error(paths::device(s.name, d.id),
                          QStringLiteral("device id %1 is defined more than once").arg(d.id));
                ids.insert(d.id);
                if (d.type == QLatin1String("lan") && !parseLan(d.info))
                    error(paths::device(s.name, d.id),
                          QStringLiteral("\"%1\" is not an IP address (a.b.c.d or a.b.c.d/len)")
                              .arg(d.info));
            }
        }
    }

    // A LAN device's address and subnet. Without "/len", IPv4 addresses are taken
    // as /24 and IPv6 as /64, the usual case; give the length to be exact.
    static std::optional<std::pair<QHostAddress, int>> parseLan(const QString& info) {
        if (info.contains('/')) {
            const auto subnet = QHostAddress::parseSubnet(info);
            if (subnet.first.isNull())
                return std::nullopt;
            return std::pair{QHostAddress(info.section('/', 0, 0)), subnet.second};
        }
        QHostAddress a;
        if (!a.setAddress(info))
            return std::nullopt;
        return std::pair{a, a.protocol() == QAbstractSocket::IPv4Protocol ? 24 : 64};
    }

    static QString requiredDeviceType(const QString& type) {
        if (type == QLatin1String("lanhb") || type == QLatin1String("lankhb"))
            return QStringLiteral("lan");
        if (type == QLatin1String("diskhb") || type == QLatin1String("disknp"))
            return QStringLiteral("disk");
        if (type == QLatin1String("comhb"))
            return QStringLiteral("com");
        if (type == QLatin1String("pingnp"))
            return QStringLiteral("ping");
        return {};
    }

    // A heartbeat or NP resource uses device `id` on every server that defines it
    // (a server without it is not connected to that path).
    void checkDeviceUse(const QString& path, const QString& type, int id) {
        if (id < 0) {
            error(path, QStringLiteral("has no <device>: it must name the device id it uses"));
            return;
        }
        const auto wanted = requiredDeviceType(type);
        QStringList missing;
        int users = 0;
        for (const auto& s : cfg.servers) {
            const auto* d = s.device(id);
            if (!d) {
                missing << s.name;
                continue;
            }
            ++users;
            if (!wanted.isEmpty() && d->type != wanted)
                error(path, QStringLiteral("uses device %1, which is a %2 device on server "
                                           "\"%3\"; a %4 needs a %5 device")
                                .arg(id)
                                .arg(d->type.isEmpty() ? QStringLiteral("typeless") : d->type,
                                     s.name, type, wanted));
        }
        if (users == 0)
            error(path, QStringLiteral("uses device %1, which no server defines").arg(id));
        else if (!missing.isEmpty())
            warning(path, QStringLiteral("device %1 is not defined on server(s) %2, so they "
                                         "do not use this path")
                              .arg(id)
                              .arg(missing.join(QStringLiteral(", "))));
    }

    // A serial line has two ends: a third server cannot be on it.
    void checkSerialLine(const QString& path, int id) {
        QStringList users;
        for (const auto& s : cfg.servers)
            if (s.device(id))
                users << s.name;
        if (users.size() > 2)
            error(path, QStringLiteral("device %1 is defined on %2 servers (%3); a COM heartbeat "
                                       "links exactly two servers")
                            .arg(id)
                            .arg(users.size())
                            .arg(users.join(QStringLiteral(", "))));
    }

    void checkHeartbeats() {
        checkNames(cfg.heartbeats, QStringLiteral("heartbeat"), &paths::heartbeat);
        bool haveLan = false;
        for (const auto& hb : cfg.heartbeats) {
            const auto path = paths::heartbeat(hb.name);
            if (!checkType(ObjectClass::Heartbeat, hb.type, path))
                continue;
            haveLan |= hb.kind() == HeartbeatKind::Lan || hb.kind() == HeartbeatKind::KernelLan;
            checkDeviceUse(path, hb.type, hb.deviceId);
            if (hb.kind() == HeartbeatKind::Com)
                checkSerialLine(path, hb.deviceId);
        }
        if (!haveLan)
            error(QStringLiteral("heartbeat"),
                  QStringLiteral("no LAN heartbeat is defined: at least one lanhb or lankhb is "
                                 "required"));
    }

    void checkNetworkPartition() {
        checkNames(cfg.npResources, QStringLiteral("network partition resource"), &paths::np);
        bool resolving = false;
        int diskLocks = 0;
        for (const auto& np : cfg.npResources) {
            const auto path = paths::np(np.name);
            if (!checkType(ObjectClass::NpResource, np.type, path))
                continue;
            resolving = true;
            checkDeviceUse(path, np.type, np.deviceId);
            if (np.type == QLatin1String("disknp")) {
                if (++diskLocks == 2)
                    warning(path, QStringLiteral("a second disk lock (disknp) is not used: the "
                                                 "first one decides"));
                continue;
            }
            int targets = 0;
            for (const auto& group : np.targetGroups)
                for (const auto& ip : group) {
                    ++targets;
                    if (QHostAddress(ip).isNull())
                        error(path, QStringLiteral("ping target \"%1\" is not an IP address").arg(ip));
                }
            if (targets == 0)
                error(path, QStringLiteral("has no ping target (grp/list/ip)"));
        }
        if (!resolving && cfg.servers.size() >= 2)
            warning(QStringLiteral("networkpartition"),
                    QStringLiteral("no network partition resolution is configured: if every "
                                   "heartbeat path fails, every server takes over the groups "
                                   "(dangerous with a shared disk)"));
    }

    void checkGroups() {
        checkNames(cfg.groups, QStringLiteral("group"), &paths::group);
        QHash<QString, QString> owner; // resource -> group
        int managementGroups = 0;
        for (const auto& g : cfg.groups) {
            const auto path = paths::group(g.name);
            checkType(ObjectClass::Group, g.type, path);
            if (g.type == QLatin1String("cluster") && ++managementGroups == 2)
                error(path, QStringLiteral("a second management group (type cluster); there "
                                           "can be only one"));
            if (g.resourceRefs.isEmpty() && !g.name.isEmpty())
                warning(path, QStringLiteral("has no resources"));
            for (const auto& ref : g.resourceRefs) {
                const auto [type, name] = splitResourceRef(ref);
                if (type.isEmpty()) {
                    error(path, QStringLiteral("resource reference \"%1\" is not of the form "
                                               "type@name")
                                    .arg(ref));
                    continue;
                }
                const auto* r = resource(name);
                if (!r)
                    error(path, QStringLiteral("lists resource \"%1\", which is not defined").arg(name));
                else if (r->type != type)
                    error(path, QStringLiteral("lists resource \"%1\" as type %2, but it is "
                                               "defined as type %3")
                                    .arg(name, type, r->type));
                if (owner.contains(name))
                    error(path, owner[name] == g.name
                                    ? QStringLiteral("lists resource \"%1\" twice").arg(name)
                                    : QStringLiteral("lists resource \"%1\", which group \"%2\" "
                                                     "also lists; a resource belongs to one "
                                                     "group")
                                          .arg(name, owner[name]));
                owner.insert(name, g.name);
            }
            QSet<QString> seen;
            for (const auto& s : g.policy) {
                if (!server(s))
                    error(path, QStringLiteral("server \"%1\" in its failover policy is not "
                                               "defined")
                                    .arg(s));
                if (seen.contains(s))
                    error(path, QStringLiteral("server \"%1\" appears twice in its failover "
                                               "policy")
                                    .arg(s));
                seen.insert(s);
            }
        }
    }

    void checkRequiredParameters(ObjectClass cls, const QString& type,
                                 const QMap<QString, QString>& params, const QString& path) {
        for (const auto& spec : schema::parameterSpecs())
            if (spec.objectClass == cls && type == QLatin1String(spec.type) && spec.required &&
                params.value(QString::fromLatin1(spec.key)).trimmed().isEmpty())
                error(path + " / parameters/" + spec.key,
                      QStringLiteral("required value is missing (%1)")
                          .arg(QString::fromUtf8(spec.meaning)));
    }

    void checkResources() {
        checkNames(cfg.resources, QStringLiteral("resource"),
                   [this](const QString& n) { return resourcePath(n); });
        QHash<QString, QString> addresses;   // ip -> resource
        QHash<QString, QString> mountPoints; // mount point -> resource
        for (const auto& r : cfg.resources) {
            const auto path = resourcePath(r.name);
            if (!checkType(ObjectClass::Resource, r.type, path))
                continue;
            const auto* group = groupOf(r.name);
            if (!group)
                warning(path, QStringLiteral("is not in any group, so it is never activated"));
            checkRequiredParameters(ObjectClass::Resource, r.type, r.parameters, path);
            if (r.type == QLatin1String("fip") || r.type == QLatin1String("vip")) {
                const auto ip = r.param(QStringLiteral("ip")).trimmed();
                if (ip.isEmpty())
                    continue;
                const QHostAddress address(ip);
                if (address.isNull()) {
                    error(path + " / parameters/ip",
                          QStringLiteral("\"%1\" is not an IP address").arg(ip));
                    continue;
                }
                if (addresses.contains(ip))
                    error(path + " / parameters/ip",
                          QStringLiteral("%1 is also the address of resource \"%2\"")
                              .arg(ip, addresses[ip]));
                addresses.insert(ip, r.name);
                if (r.type == QLatin1String("fip") && group)
                    checkFloatingAddress(address, *group, path);
            } else if (r.type == QLatin1String("disk")) {
                const auto diskType = r.param(QStringLiteral("disktype"));
                if (diskType == QLatin1String("vxvm") || diskType == QLatin1String("raw"))
                    error(path + " / parameters/disktype",
                          QStringLiteral("disk type %1 is not supported by Lifeline (use disk "
                                         "or lvm)")
                              .arg(diskType));
                const auto point = r.param(QStringLiteral("mount/point"));
                if (point.isEmpty())
                    error(path + " / parameters/mount/point",
                          QStringLiteral("required value is missing (mount point)"));
                else if (!point.startsWith('/'))
                    error(path + " / parameters/mount/point",
                          QStringLiteral("\"%1\" is not an absolute path").arg(point));
                else if (mountPoints.contains(point))
                    error(path + " / parameters/mount/point",
                          QStringLiteral("%1 is also the mount point of resource \"%2\"")
                              .arg(point, mountPoints[point]));
                mountPoints.insert(point, r.name);
            } else if (r.type == QLatin1String("volmgr")) {
                if (r.param(QStringLiteral("type")) == QLatin1String("vxvm"))
                    error(path + " / parameters/type",
                          QStringLiteral("volume manager vxvm is not supported by Lifeline (use "
                                         "lvm)"));
            }
        }
    }

    void checkFloatingAddress(const QHostAddress& address, const Group& group,
                              const QString& path) {
        for (const auto& serverName : cfg.serversFor(group)) {
            const auto* s = server(serverName);
            if (!s)
                continue;
            QStringList lans;
            bool inSubnet = false;
            for (const auto& d : s->devices) {
                if (d.type != QLatin1String("lan"))
                    continue;
                const auto lan = parseLan(d.info);
                if (!lan)
                    continue;
                if (lan->first == address)
                    error(path + " / parameters/ip",
                          QStringLiteral("%1 is the own address of server \"%2\" (device %3); a "
                                         "floating IP must be unassigned")
                              .arg(address.toString(), s->name)
                              .arg(d.id));
                lans << QStringLiteral("%1/%2").arg(lan->first.toString()).arg(lan->second);
                inSubnet |= address.isInSubnet(lan->first, lan->second);
            }
            if (!inSubnet)
                error(path + " / parameters/ip",
                      QStringLiteral("%1 is not in the subnet of any LAN of server \"%2\" (%3), "
                                     "which can run group \"%4\"")
                          .arg(address.toString(), s->name,
                               lans.isEmpty() ? QStringLiteral("it has no LAN device")
                                              : lans.join(QStringLiteral(", ")),
                               group.name));
        }
    }

    void checkDependencies() {
        for (const auto& r : cfg.resources) {
            const auto path = resourcePath(r.name);
            for (const auto& dep : r.depends) {
                const auto* target = resource(dep);
                if (!target) {
                    error(path, QStringLiteral("depends on \"%1\", which is not defined").arg(dep));
                    continue;
                }
                const auto* mine = groupOf(r.name);
                const auto* theirs = groupOf(dep);
                if (mine && theirs && mine != theirs)
                    error(path, QStringLiteral("depends on \"%1\", which is in group \"%2\"; "
                                               "dependencies stay within a group")
                                    .arg(dep, theirs->name));
            }
        }
        // Depth-first search for cycles; each cycle is reported once.
        QHash<QString, int> state; // 0 new, 1 on stack, 2 done
        QStringList stack;
        QSet<QString> reported;
        std::function<void(const QString&)> visit = [&](const QString& name) {
            state[name] = 1;
            stack << name;
            if (const auto* r = resource(name)) {
                for (const auto& dep : r->depends) {
                    if (!resource(dep))
                        continue;
                    if (state.value(dep) == 1) {
                        auto cycle = stack.mid(stack.indexOf(dep));
                        auto key = cycle;
                        key.sort();
                        if (!reported.contains(key.join(',')))
                            error(resourcePath(dep),
                                  QStringLiteral("dependency cycle: %1 -> %2")
                                      .arg(cycle.join(QStringLiteral(" -> ")), dep));
                        reported.insert(key.join(','));
                    } else if (state.value(dep) == 0) {
                        visit(dep);
                    }
                }
            }
            stack.removeLast();
            state[name] = 2;
        };
        for (const auto& r : cfg.resources)
            if (state.value(r.name) == 0)
                visit(r.name);
    }

    void checkMonitors() {
        checkNames(cfg.monitors, QStringLiteral("monitor"), &paths::monitor);
        for (const auto& m : cfg.monitors) {
            const auto path = paths::monitor(m.name);
            if (!checkType(ObjectClass::Monitor, m.type, path))
                continue;
            checkRequiredParameters(ObjectClass::Monitor, m.type, m.parameters, path);
            if (!m.target.isEmpty() && !resource(m.target))
                error(path + " / target",
                      QStringLiteral("target resource \"%1\" is not defined").arg(m.target));
            if (diag.hasErrorAt(path + QStringLiteral(" / relation/type")) ||
                diag.hasErrorAt(path + QStringLiteral(" / relation/name")))
                ; // the recovery target itself was unreadable and is reported already
            else if (m.relationType == QLatin1String("grp") && !group(m.relationName))
                error(path + " / relation",
                      QStringLiteral("recovery target group \"%1\" is not defined")
                          .arg(m.relationName));
            else if (m.relationType == QLatin1String("rsc") && !resource(m.relationName))
                error(path + " / relation",
                      QStringLiteral("recovery target resource \"%1\" is not defined")
                          .arg(m.relationName));
            else if (m.relationType == QLatin1String("cls") &&
                     m.relationName != QLatin1String("LocalServer"))
                error(path + " / relation",
                      QStringLiteral("recovery target of type cls must be LocalServer, not "
                                     "\"%1\"")
                          .arg(m.relationName));
            if (m.timeoutMs < m.intervalMs && m.type != QLatin1String("userw"))
                warning(path + " / polling/timeout",
                        QStringLiteral("timeout (%1 ms) is shorter than the interval (%2 ms)")
                            .arg(m.timeoutMs)
                            .arg(m.intervalMs));
            for (const auto& s : m.servers)
                if (!server(s))
                    error(path + QStringLiteral(" / server \"%1\"").arg(s),
                          QStringLiteral("server \"%1\" is not defined; a monitor runs only on "
                                         "servers of the cluster")
                              .arg(s));
            checkMonitorType(m, path);
        }
    }

    void checkMonitorType(const Monitor& m, const QString& path) {
        if (m.type == QLatin1String("ipw")) {
            int count = 0;
            for (auto it = m.parameters.begin(); it != m.parameters.end(); ++it) {
                if (!it.key().startsWith(QLatin1String("list[")) || !it.key().endsWith("/ip"))
                    continue;
                ++count;
                if (QHostAddress(it.value().trimmed()).isNull())
                    error(path + " / parameters/" + it.key(),
                          QStringLiteral("\"%1\" is not an IP address").arg(it.value()));
            }
            if (count == 0)
                error(path + " / parameters",
                      QStringLiteral("has no IP address to ping (list/ip)"));
        } else if (m.type == QLatin1String("pidw")) {
            const auto* r = resource(m.target);
            if (m.target.isEmpty())
                error(path + " / target",
                      QStringLiteral("a PID monitor needs the exec resource it watches as its "
                                     "target"));
            else if (r && r->type != QLatin1String("exec"))
                error(path + " / target",
                      QStringLiteral("target \"%1\" is a %2 resource; a PID monitor watches an "
                                     "exec resource")
                          .arg(m.target, r->type));
        } else if (m.type == QLatin1String("mtw")) {
            int count = 0;
            for (auto it = m.parameters.begin(); it != m.parameters.end(); ++it) {
                if (!it.key().startsWith(QLatin1String("list[")))
                    continue;
                ++count;
                if (!monitor(it.value().trimmed()))
                    error(path + " / parameters/" + it.key(),
                          QStringLiteral("monitor \"%1\" is not defined").arg(it.value()));
            }
            if (count == 0)
                error(path + " / parameters", QStringLiteral("lists no monitors (list/...)"));
        } else if (m.type == QLatin1String("httpw")) {
            const auto ip = m.param(QStringLiteral("ipaddress")).trimmed();
            if (QHostAddress(ip).isNull())
                error(path + " / parameters/ipaddress",
                      QStringLiteral("\"%1\" is not an IP address").arg(ip));
            // Empty means "/"; "//x" would name another host.
            const auto uri = m.param(QStringLiteral("uri")).trimmed();
            if (!uri.isEmpty() && (!uri.startsWith('/') || uri.startsWith(QLatin1String("//")) ||
                                   !QUrl(uri, QUrl::StrictMode).isValid()))
                error(path + " / parameters/uri",
                      QStringLiteral("\"%1\" is not a path on the HTTP server: it starts with one "
                                     "/ and has no spaces (e.g. /index.html)")
                          .arg(uri));
        }
    }

    // A disk heartbeat partition must be its own: a disk resource or a disk
    // monitor on it would corrupt the heartbeat sectors or read them as data.
    void checkSharedDevices() {
        QHash<QString, QString> users; // device -> "resource \"disk1\""
        for (const auto& r : cfg.resources) {
            if (r.type != QLatin1String("disk"))
                continue;
            const auto dev = r.param(QStringLiteral("device")).trimmed();
            if (dev.isEmpty())
                continue;
            if (users.contains(dev))
                error(resourcePath(r.name) + " / parameters/device",
                      QStringLiteral("device %1 is also used by %2").arg(dev, users[dev]));
            users.insert(dev, QStringLiteral("resource \"%1\"").arg(r.name));
        }
        QHash<QString, QString> monitorUsers;
        for (const auto& m : cfg.monitors)
            if (m.type == QLatin1String("diskw") && !m.param(QStringLiteral("object")).isEmpty())
                monitorUsers.insert(m.param(QStringLiteral("object")).trimmed(),
                                    QStringLiteral("monitor \"%1\"").arg(m.name));
        QHash<QString, QString> heartbeatUsers; // "server\ndevice" -> "heartbeat \"diskhb1\""
        for (const auto& hb : cfg.heartbeats)
            if (hb.kind() == HeartbeatKind::Disk)
                // Two disk heartbeats on one partition would write the same slots.
                checkRawPartition({paths::heartbeat(hb.name), hb.deviceId,
                                   QStringLiteral("heartbeat \"%1\"").arg(hb.name),
                                   QStringLiteral("a disk heartbeat needs a partition of its own"),
                                   QStringLiteral("device %1 of server \"%2\" is also used by %3; a "
                                                  "disk heartbeat needs a partition of its own")},
                                  {&users, &monitorUsers}, &heartbeatUsers);
        // The disk lock lives in the part of a diskhb partition the heartbeat leaves free, or
        // on a partition of its own; never on data.
        QHash<QString, QString> lockUsers;
        for (const auto& np : cfg.npResources)
            if (np.type == QLatin1String("disknp"))
                checkRawPartition({paths::np(np.name), np.deviceId,
                                   QStringLiteral("\"%1\"").arg(np.name),
                                   QStringLiteral("the disk lock needs a diskhb partition or one of its own"),
                                   QStringLiteral("device %1 of server \"%2\" also holds the disk lock of %3")},
                                  {&users, &monitorUsers}, &lockUsers);
    }

    struct RawPartitionUse {
        QString path;       // the diskhb or disknp, for messages
        int deviceId;
        QString self;       // how a second user of the same kind names this one
        QString need;       // why data must stay off it
        QString collision;  // device, server, the other user of the same kind
    };

    // A raw partition of the shared disk (diskhb, disknp): named by path, used by no disk
    // resource or disk monitor (`dataUsers`: device -> user), nor by a second user of the same
    // kind (`sameKind`: "server\ndevice" -> user). Each device is reported once.
    void checkRawPartition(const RawPartitionUse& use,
                           std::initializer_list<const QHash<QString, QString>*> dataUsers,
                           QHash<QString, QString>* sameKind) {
        QSet<QString> reportedDevices;
        for (const auto& s : cfg.servers) {
            const auto* d = s.device(use.deviceId);
            const QString dev = d ? d->info.trimmed() : QString();
            if (dev.isEmpty() || reportedDevices.contains(dev))
                continue;
            reportedDevices.insert(dev);
            if (const auto problem = diskHeartbeatDeviceProblem(dev); !problem.isEmpty())
                error(paths::device(s.name, d->id), problem);
            for (const auto* table : dataUsers)
                if (table->contains(dev))
                    error(use.path, QStringLiteral("device %1 of server \"%2\" is also used by %3; %4")
                                        .arg(dev, s.name, table->value(dev), use.need));
            const QString key = s.name + QLatin1Char('\n') + dev;
            if (sameKind->contains(key))
                error(use.path, use.collision.arg(dev, s.name, sameKind->value(key)));
            else
                sameKind->insert(key, use.self);
        }
    }

    // A disk heartbeat partition has no file system, so it cannot be found by UUID or label:
    // the device is a path (/dev/sdb2) or a stable symlink (/dev/disk/by-id/..., by-path,
    // by-partuuid).
    static QString diskHeartbeatDeviceProblem(const QString& dev) {
        for (const char* tag : {"UUID=", "LABEL="})
            if (dev.startsWith(QLatin1String(tag), Qt::CaseInsensitive))
                return QStringLiteral("\"%1\" names a file system, and a disk heartbeat "
                                      "partition has none: give its path (/dev/sdb2, "
                                      "/dev/disk/by-id/..., /dev/disk/by-path/...)")
                    .arg(dev);
        if (!dev.startsWith(QLatin1Char('/')))
            return QStringLiteral("\"%1\" is not an absolute path: give the partition's path "
                                  "(/dev/sdb2, /dev/disk/by-id/..., /dev/disk/by-partuuid/...)")
                .arg(dev);
        return {};
    }
};

} // namespace

void validate(const ClusterConfig& config, Diagnostics& diagnostics) {
    Checker(config, diagnostics).run();
}

} // namespace lifeline::config
