#pragma once

#include <QHash>
#include <QList>
#include <QMap>
#include <QString>
#include <QStringList>
#include <optional>

// The typed clp.conf model. Every default below is documented in README.md
// (generated from the field tables in Schema.cpp; a test keeps them in step).
// Durations are milliseconds in the model whatever unit the XML uses.
namespace lifeline::config {

// Recovery and final actions, one code list for resources, monitors and the
// network-partition action. ExpressCluster's numeric codes are not in our
// reference material; these are Lifeline's, documented in README.md.
enum class FinalAction : int {
    NoOperation = 0,              // activation failure: activate the next resource
    NoOperationStopActivating = 1, // activation failure: do not activate the next resource
    StopGroup = 2,
    StopClusterService = 3,
    StopClusterServiceAndShutdown = 4,
    StopClusterServiceAndReboot = 5,
    SysrqPanic = 6,
    KeepaliveReset = 7,
    KeepalivePanic = 8,
    StopResource = 9,
};
constexpr int kFinalActionMax = 9;
QString finalActionName(int code);

struct Device {
    int id = -1;
    QString type; // lan, disk, com, ping, mdc, ...
    QString info; // address, device path, tty; "a.b.c.d/len" may give the subnet
};

struct Server {
    QString name;
    int priority = 0; // 0 = master server, then the failover order of "all servers"
    QString comment;
    QList<Device> devices;

    const Device* device(int id) const;
};

struct ClusterProperties {
    QString name;
    QString comment;
    QString charset = QStringLiteral("UTF-8");
    QString serverOs = QStringLiteral("linux");
    int heartbeatIntervalMs = 1000;
    int heartbeatTimeoutMs = 5000;
    int syncWaitMs = 300000;
    int npAction = int(FinalAction::StopClusterServiceAndShutdown);
    int internalPort = 29001;  // inter-node RPC (TLS)
    int heartbeatPort = 29002; // lanhb (UDP)
    int webmgrPort = 29003;    // WebManager (HTTPS) and alert sync
    int kernelHeartbeatPort = 29006; // lankhb (TCP keepalive probes)
    QString shutdownMethod = QStringLiteral("keepalive"); // haltp/method
    QString shutdownAction = QStringLiteral("RESET");     // haltp/action
    // WebManager (webmanager/README.md): password hashes, protocol, session idle timeout and
    // the client allow-list (<webmgr><security><clientlist><ip name="a.b.c.d/len"/>; empty:
    // every client).
    QString webmgrOperatorPassword;  // webmgr/security/passwd/operation
    QString webmgrReferencePassword; // webmgr/security/passwd/reference
    QString webmgrProtocol = QStringLiteral("https"); // webmgr/protocol
    int webmgrSessionTimeoutMs = 1800000;             // webmgr/session/timeout
    QStringList webmgrClients;                        // webmgr/security/clientlist/ip
};

enum class HeartbeatKind { Lan, KernelLan, Disk, Com, Unsupported };

struct Heartbeat {
    QString type; // lanhb, lankhb, diskhb, comhb (or an unsupported type name)
    QString name;
    int priority = 0;
    int deviceId = -1;
    QMap<QString, QString> parameters{}; // flattened <parameters> (comhb line settings)

    HeartbeatKind kind() const;
    QString param(const QString& key) const;
};

struct NpResource {
    QString type; // pingnp (or an unsupported type name)
    QString name;
    int priority = 0;
    int deviceId = -1;
    QList<QStringList> targetGroups; // grp[id]/list[id]/ip: any group answering is enough
    int intervalMs = 1000;
    int timeoutMs = 1000;
    int retry = 3;
};

struct Group {
    QString name;
    QString type = QStringLiteral("failover"); // failover, cluster (management group)
    QString comment;
    int gid = -1;
    QStringList resourceRefs; // "type@name" as in <resource name="fip@fip1"/>
    QStringList policy;       // servers that may run it, in order; empty = all, by priority
    bool autoStart = true;
    bool autoFailback = false;
};

struct Resource {
    QString type;
    QString name;
    QString comment;
    QStringList depends; // explicit <depend name="..."/>; empty = default order
    int actRetry = 0;
    int actFailoverThreshold = 1;
    int actAction = int(FinalAction::NoOperationStopActivating);
    int actTimeoutMs = 1800000;
    int deactRetry = 0;
    int deactAction = int(FinalAction::StopClusterServiceAndShutdown);
    int deactTimeoutMs = 1800000;
    QMap<QString, QString> parameters; // flattened <parameters>, e.g. "mount/point"

    // The parameter's value, or its documented default for this type.
    QString param(const QString& key) const;
};

struct Monitor {
    QString type;
    QString name;
    QString comment;
    QString target; // resource monitored while active; empty = always
    QString relationType = QStringLiteral("cls"); // cls (LocalServer), grp, rsc
    QString relationName = QStringLiteral("LocalServer");
    int intervalMs = 60000;
    int timeoutMs = 120000;
    int retry = 1; // failed checks retried before the monitor reports an error
    int firstWaitMs = 0;
    int restartThreshold = 3; // reactivations of the recovery target
    int failoverThreshold = 1;
    int finalAction = int(FinalAction::NoOperation);
    bool preActionUse = false; // run preActionScript before the final action
    QString preActionScript = QStringLiteral("preaction.sh");
    int preActionTimeoutMs = 5000;
    bool timeoutNoRetry = false;    // a timed-out check is an error at once (no reconfirmation)
    bool timeoutNoRecovery = false; // an error caused by a timeout is shown but not recovered
    QStringList servers; // the servers it runs on (<server name=.../>); empty = every server
    QMap<QString, QString> parameters;

    bool monitorsWhileActive() const { return !target.isEmpty(); }
    bool runsOn(const QString& server) const { return servers.isEmpty() || servers.contains(server); }
    QString param(const QString& key) const;
};

struct ClusterConfig {
    ClusterProperties cluster;
    QList<Server> servers;
    QList<Heartbeat> heartbeats;
    QList<NpResource> npResources;
    QList<Group> groups;
    QList<Resource> resources;
    QList<Monitor> monitors;

    const Server* server(const QString& name) const;
    const Group* group(const QString& name) const;
    const Resource* resource(const QString& name) const;
    const Monitor* monitor(const QString& name) const;
    const Heartbeat* heartbeat(const QString& name) const;
    // The group that lists resource `name`, if any (a linear search; for many
    // look-ups build groupIndex() once).
    const Group* groupOf(const QString& resourceName) const;
    // resource name -> name of the group that lists it first.
    QHash<QString, QString> groupIndex() const;
    // Servers that may run `group`, in failover order.
    QStringList serversFor(const Group& group) const;
    // Servers sorted by priority (master first).
    QList<Server> serversByPriority() const;
    // The addresses to reach `server` at (inter-node RPC), interconnect first: its LAN
    // devices in the order of the heartbeats that use them, then its other LAN devices.
    QStringList lanAddresses(const QString& server) const;
};

// "fip@fip1" -> {"fip", "fip1"}; a reference without '@' has an empty type.
std::pair<QString, QString> splitResourceRef(const QString& ref);

} // namespace lifeline::config
