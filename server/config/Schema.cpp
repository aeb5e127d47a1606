#include "Schema.h"

#include <QRegularExpression>
#include <cmath>

namespace lifeline::config::schema {

using K = FieldKind;
constexpr qint64 kSec = 1000;

QString objectClassName(ObjectClass c) {
    switch (c) {
    case ObjectClass::Cluster: return QStringLiteral("cluster");
    case ObjectClass::Server: return QStringLiteral("server");
    case ObjectClass::Heartbeat: return QStringLiteral("heartbeat");
    case ObjectClass::NpResource: return QStringLiteral("networkpartition");
    case ObjectClass::Group: return QStringLiteral("group");
    case ObjectClass::Resource: return QStringLiteral("resource");
    case ObjectClass::Monitor: return QStringLiteral("monitor");
    }
    return {};
}

const QList<Field<ClusterProperties>>& clusterFields() {
    using C = ClusterProperties;
    static const QList<Field<C>> fields{
        {"cluster/name", K::Text, &C::name, 0, 0, nullptr, "Cluster name (required)."},
        {"cluster/comment", K::Text, &C::comment, 0, 0, nullptr, "Free text."},
        {"all/charset", K::Text, &C::charset, 0, 0, nullptr,
         "Character set of texts in the file (EUC-JP, SJIS, ASCII, UTF-8)."},
        {"all/serveros", K::Text, &C::serverOs, 0, 0, "linux|windows",
         "Operating system of the servers; Lifeline runs linux only."},
        {"cluster/heartbeat/interval", K::Milliseconds, &C::heartbeatIntervalMs, 10, 60000,
         nullptr, "Heartbeat send interval of every path."},
        {"cluster/heartbeat/timeout", K::Milliseconds, &C::heartbeatTimeoutMs, 50, 3600000,
         nullptr,
         "A path to a peer is Offline after hearing nothing for this long; the peer is down "
         "when every path is Offline. Must be at least twice the interval."},
        {"cluster/syncwait", K::Seconds, &C::syncWaitMs, 0, 3600 * kSec, nullptr,
         "Server Sync Wait Time: at cluster start, wait this long for the other servers, then "
         "go on without them."},
        {"cluster/networkpartition/npaction", K::Integer, &C::npAction, 0, kFinalActionMax,
         nullptr, "Action of a server that finds itself on the losing side of a network "
                  "partition (final action code)."},
        {"cluster/port/internal", K::Integer, &C::internalPort, 1, 65535, nullptr,
         "TCP port of the inter-node RPC (TLS 1.3, mutual authentication)."},
        {"cluster/port/heartbeat", K::Integer, &C::heartbeatPort, 1, 65535, nullptr,
         "UDP port of the LAN heartbeat."},
        {"cluster/port/webmgr", K::Integer, &C::webmgrPort, 1, 65535, nullptr,
         "TCP port of the WebManager (HTTPS); UDP for alert synchronisation."},
        {"cluster/port/kernelhb", K::Integer, &C::kernelHeartbeatPort, 1, 65535, nullptr,
         "TCP port of the kernel-mode LAN heartbeat."},
        {"haltp/method", K::Text, &C::shutdownMethod, 0, 0, "keepalive|softdog|none",
         "How a stalled server is reset (user-space stall monitoring)."},
        {"haltp/action", K::Text, &C::shutdownAction, 0, 0, "RESET|PANIC",
         "What the keepalive supervisor does to a stalled server."},
        {"webmgr/protocol", K::Text, &C::webmgrProtocol, 0, 0, "https|http",
         "WebManager protocol; http only when chosen explicitly."},
        {"webmgr/session/timeout", K::Seconds, &C::webmgrSessionTimeoutMs, 60 * kSec,
         86400 * kSec, nullptr, "A WebManager login session ends after this long unused."},
        {"webmgr/security/passwd/operation", K::Text, &C::webmgrOperatorPassword, 0, 0, nullptr,
         "Hash of the WebManager operator password (lifeline-webmgr --set-password); empty: "
         "no operator login."},
        {"webmgr/security/passwd/reference", K::Text, &C::webmgrReferencePassword, 0, 0,
         nullptr, "Hash of the WebManager reference (look only) password; empty: no reference "
                  "login."},
    };
    return fields;
}

const QList<Field<Server>>& serverFields() {
    static const QList<Field<Server>> fields{
        {"priority", K::Integer, &Server::priority, 0, 1023, nullptr,
         "Order of the servers: 0 is the master server; also the failover order of groups "
         "that may run on all servers. Unique."},
        {"comment", K::Text, &Server::comment, 0, 0, nullptr, "Free text."},
    };
    return fields;
}

const QList<Field<Heartbeat>>& heartbeatFields() {
    static const QList<Field<Heartbeat>> fields{
        {"priority", K::Integer, &Heartbeat::priority, 0, 1023, nullptr,
         "Order of use (smallest first) for cluster communication."},
        {"device", K::Integer, &Heartbeat::deviceId, 0, 99999, nullptr,
         "Id of the <device> on each server that this path uses (required)."},
    };
    return fields;
}

const QList<Field<NpResource>>& npFields() {
    static const QList<Field<NpResource>> fields{
        {"priority", K::Integer, &NpResource::priority, 0, 1023, nullptr, "Order of use."},
        {"device", K::Integer, &NpResource::deviceId, 0, 99999, nullptr,
         "Id of the <device> on each server that uses this method (pingnp: type ping; disknp: "
         "type disk, the partition holding the lock)."},
        {"interval", K::Seconds, &NpResource::intervalMs, 50, 3600 * kSec, nullptr,
         "pingnp: ping interval (pings run all the time, so a target lost before the "
         "heartbeats is known); disknp: how often the lock is read to check the path."},
        {"timeout", K::Seconds, &NpResource::timeoutMs, 50, 3600 * kSec, nullptr,
         "pingnp: time to wait for an echo reply; disknp: the bound of one read or write of "
         "the lock, and the wait after a claim."},
        {"retry", K::Integer, &NpResource::retry, 0, 100, nullptr,
         "Unanswered pings in a row before a target counts as unreachable."},
    };
    return fields;
}

const QList<Field<Group>>& groupFields() {
    static const QList<Field<Group>> fields{
        {"type", K::Text, &Group::type, 0, 0, "failover|cluster|virtualmachine",
         "failover, or cluster for the WebManager management group."},
        {"comment", K::Text, &Group::comment, 0, 0, nullptr, "Free text."},
        {"gid", K::Integer, &Group::gid, -1, 9999, nullptr, "Group number (informational)."},
        {"start", K::Flag, &Group::autoStart, 0, 1, nullptr,
         "Startup attribute: 1 = start automatically with the cluster, 0 = manual."},
        {"failback", K::Flag, &Group::autoFailback, 0, 1, nullptr,
         "Failback attribute: 0 = manual (the group stays where it is when a better server "
         "returns), 1 = automatic."},
    };
    return fields;
}

const QList<Field<Resource>>& resourceFields() {
    using R = Resource;
    static const QList<Field<R>> fields{
        {"comment", K::Text, &R::comment, 0, 0, nullptr, "Free text."},
        {"act/retry", K::Integer, &R::actRetry, 0, 99, nullptr,
         "Activation failure: retries on the same server."},
        {"act/fo", K::Integer, &R::actFailoverThreshold, 0, 99, nullptr,
         "Activation failure: failovers to other servers before the final action."},
        {"act/action", K::Integer, &R::actAction, 0, kFinalActionMax, nullptr,
         "Activation failure: final action code."},
        {"act/timeout", K::Seconds, &R::actTimeoutMs, 1 * kSec, 9999 * kSec, nullptr,
         "Activation timeout."},
        {"deact/retry", K::Integer, &R::deactRetry, 0, 99, nullptr,
         "Deactivation failure: retries."},
        {"deact/action", K::Integer, &R::deactAction, 0, kFinalActionMax, nullptr,
         "Deactivation failure: final action code. The default shuts the server down, so a "
         "resource that cannot be released is never taken over while still held."},
        {"deact/timeout", K::Seconds, &R::deactTimeoutMs, 1 * kSec, 9999 * kSec, nullptr,
         "Deactivation timeout."},
    };
    return fields;
}

const QList<Field<Monitor>>& monitorFields() {
    using M = Monitor;
    static const QList<Field<M>> fields{
        {"comment", K::Text, &M::comment, 0, 0, nullptr, "Free text."},
        {"target", K::Text, &M::target, 0, 0, nullptr,
         "Resource whose activity gates monitoring (monitor while active); empty = always."},
        {"relation/type", K::Text, &M::relationType, 0, 0, "cls|grp|rsc",
         "Recovery target kind: cls (LocalServer), grp (a group), rsc (a resource)."},
        {"relation/name", K::Text, &M::relationName, 0, 0, nullptr,
         "Recovery target name (LocalServer for cls)."},
        {"polling/interval", K::Seconds, &M::intervalMs, 50, 999 * kSec, nullptr,
         "Time between checks."},
        {"polling/timeout", K::Seconds, &M::timeoutMs, 50, 999 * kSec, nullptr,
         "A check that takes longer has failed."},
        {"polling/reconfirmation", K::Integer, &M::retry, 0, 999, nullptr,
         "Failed checks retried before the monitor reports an error."},
        {"firstmonwait", K::Seconds, &M::firstWaitMs, 0, 9999 * kSec, nullptr,
         "Wait before the first check."},
        {"emergency/threshold/restart", K::Integer, &M::restartThreshold, 0, 99, nullptr,
         "Reactivations of the recovery target before failing over."},
        {"emergency/threshold/fo", K::Integer, &M::failoverThreshold, 0, 99, nullptr,
         "Failovers before the final action."},
        {"emergency/action", K::Integer, &M::finalAction, 0, kFinalActionMax, nullptr,
         "Final action code."},
        {"emergency/preaction/use", K::Flag, &M::preActionUse, 0, 1, nullptr,
         "1: run the pre-action script before the final action."},
        {"emergency/preaction/path", K::Text, &M::preActionScript, 0, 0, nullptr,
         "Script run before the final action (scripts/monitor.s/<monitor>/); the final action "
         "follows whatever it returns."},
        {"emergency/preaction/timeout", K::Seconds, &M::preActionTimeoutMs, 1 * kSec, 9999 * kSec,
         nullptr, "The pre-action script is killed after this long."},
        {"emergency/timeout/notreconfirmation/use", K::Flag, &M::timeoutNoRetry, 0, 1, nullptr,
         "1: a check that times out makes the monitor an error at once (no reconfirmation)."},
        {"emergency/timeout/notrecovery/use", K::Flag, &M::timeoutNoRecovery, 0, 1, nullptr,
         "1: an error caused by a timed-out check is reported but not recovered (no "
         "reactivation, failover or final action)."},
    };
    return fields;
}

const QList<ParameterSpec>& parameterSpecs() {
    using O = ObjectClass;
    static const QList<ParameterSpec> specs{
        // Group resources.
        {O::Resource, "fip", "ip", K::Text, "", 0, 0, true, nullptr, "Floating IP address."},
        {O::Resource, "vip", "ip", K::Text, "", 0, 0, true, nullptr, "Virtual IP address."},
        {O::Resource, "vip", "ifname", K::Text, "", 0, 0, false, nullptr,
         "Source interface(s), comma separated: the address goes on the first; RIPv2 "
         "advertisements go out on all (needed to activate)."},
        {O::Resource, "vip", "interval", K::Seconds, "30", 1 * kSec, 3600 * kSec, false, nullptr,
         "RIPv2 advertisement interval."},
        {O::Resource, "vip", "metric", K::Integer, "1", 1, 15, false, nullptr,
         "Metric of the advertised host route (16 withdraws it)."},
        {O::Resource, "disk", "disktype", K::Text, "disk", 0, 0, false, "disk|raw|lvm|vxvm",
         "disk: a partition; lvm: a logical volume of a volmgr resource."},
        {O::Resource, "disk", "device", K::Text, "", 0, 0, true, nullptr,
         "Device path, UUID=..., or /dev/disk/by-id/..."},
        {O::Resource, "disk", "fs", K::Text, "ext4", 0, 0, false, "ext3|ext4|xfs", "File system."},
        {O::Resource, "disk", "mount/point", K::Text, "", 0, 0, false, nullptr,
         "Mount point (required unless disktype is raw)."},
        {O::Resource, "disk", "mount/option", K::Text, "rw", 0, 0, false, nullptr,
         "Mount options."},
        {O::Resource, "disk", "mount/timeout", K::Seconds, "180", 1 * kSec, 9999 * kSec, false,
         nullptr, "Mount timeout."},
        {O::Resource, "disk", "mount/retry", K::Integer, "3", 0, 999, false, nullptr,
         "Mount retries."},
        {O::Resource, "disk", "umount/timeout", K::Seconds, "120", 1 * kSec, 9999 * kSec, false,
         nullptr, "Unmount timeout."},
        {O::Resource, "disk", "umount/retry", K::Integer, "3", 0, 999, false, nullptr,
         "Unmount retries."},
        {O::Resource, "disk", "umount/action", K::Text, "kill", 0, 0, false, "kill|none",
         "Last resort when unmount keeps failing: kill the processes holding the mount."},
        {O::Resource, "disk", "fsck/timing", K::Text, "needed", 0, 0, false,
         "always|needed|never", "When to run fsck before mounting."},
        {O::Resource, "disk", "fsck/timeout", K::Seconds, "1800", 1 * kSec, 9999 * kSec, false,
         nullptr, "fsck timeout."},
        {O::Resource, "exec", "act/path", K::Text, "start.sh", 0, 0, false, nullptr,
         "Start script (in scripts/<group>/<resource>/ unless absolute)."},
        {O::Resource, "exec", "deact/path", K::Text, "stop.sh", 0, 0, false, nullptr,
         "Stop script."},
        {O::Resource, "exec", "act/sync", K::Flag, "1", 0, 1, false, nullptr,
         "1: start.sh runs to completion; 0: start.sh is a resident process (watched by pidw)."},
        {O::Resource, "exec", "timeout/start", K::Seconds, "1800", 1 * kSec, 9999 * kSec, false,
         nullptr, "Start script timeout (then TERM, then KILL of its process group)."},
        {O::Resource, "exec", "timeout/stop", K::Seconds, "1800", 1 * kSec, 9999 * kSec, false,
         nullptr, "Stop script timeout."},
        {O::Resource, "exec", "userlog", K::Text, "", 0, 0, false, nullptr,
         "Script output log (default: the resource's log under /var/log/lifeline)."},
        {O::Resource, "exec", "logrotate/use", K::Flag, "0", 0, 1, false, nullptr,
         "Rotate the script log."},
        {O::Resource, "exec", "logrotate/size", K::Integer, "1000000", 1, 999999999, false,
         nullptr, "Rotation size in bytes."},
        {O::Resource, "volmgr", "type", K::Text, "lvm", 0, 0, false, "lvm|vxvm",
         "Volume manager."},
        {O::Resource, "volmgr", "devname", K::Text, "", 0, 0, true, nullptr,
         "Volume group name."},
        // Monitors.
        {O::Monitor, "userw", "method", K::Text, "keepalive", 0, 0, false,
         "keepalive|softdog|none", "How a user-space stall is detected and acted on."},
        {O::Monitor, "miiw", "object", K::Text, "", 0, 0, true, nullptr, "Interface name."},
        {O::Monitor, "diskw", "method", K::Text, "READ", 0, 0, false,
         "READ|READ(RAW)|READ(O_DIRECT)|TUR", "READ: O_DIRECT read; TUR: SCSI TEST UNIT READY."},
        {O::Monitor, "diskw", "object", K::Text, "", 0, 0, true, nullptr, "Device to check."},
        {O::Monitor, "diskw", "size", K::Integer, "512", 512, 1048576, false, nullptr,
         "Bytes read per check."},
        {O::Monitor, "genw", "path", K::Text, "genw.sh", 0, 0, false, nullptr,
         "Script (scripts/monitor.s/<monitor>/ unless absolute); exit 0 = normal."},
        {O::Monitor, "genw", "sync", K::Flag, "1", 0, 1, false, nullptr,
         "1: run the script each interval; 0: watch it as a resident process."},
        {O::Monitor, "fipw", "monmii", K::Flag, "0", 0, 1, false, nullptr,
         "Also watch the link state of the interface."},
        {O::Monitor, "volmgrw", "devname", K::Text, "", 0, 0, true, nullptr,
         "Volume group name."},
        {O::Monitor, "volmgrw", "type", K::Text, "lvm", 0, 0, false, "lvm|vxvm",
         "Volume manager."},
        {O::Monitor, "mtw", "count", K::Integer, "1", 1, 99, false, nullptr,
         "Error when at least this many of the listed monitors are in error."},
        {O::Monitor, "httpw", "ipaddress", K::Text, "127.0.0.1", 0, 0, false, nullptr,
         "Connection destination: IP address of the HTTP server."},
        {O::Monitor, "httpw", "port", K::Integer, "80", 1, 65535, false, nullptr,
         "TCP port of the HTTP server."},
        {O::Monitor, "httpw", "uri", K::Text, "/", 0, 0, false, nullptr,
         "Monitor URI: the path (and query) requested, starting with /."},
        {O::Monitor, "httpw", "protocol", K::Text, "HTTP", 0, 0, false, "HTTP|HTTPS",
         "HTTPS: TLS without certificate verification, as ExpressCluster's httpw."},
        {O::Monitor, "httpw", "requesttype", K::Text, "HEAD", 0, 0, false, "HEAD|GET",
         "HTTP request method; 2xx or 3xx is normal."},
        // Heartbeats.
        {O::Heartbeat, "comhb", "speed", K::Text, "19200", 0, 0, false,
         "1200|2400|4800|9600|19200|38400|57600|115200|230400|460800|921600",
         "Baud rate of the serial line (8 data bits always)."},
        {O::Heartbeat, "comhb", "parity", K::Text, "none", 0, 0, false, "none|even|odd",
         "Parity bit."},
        {O::Heartbeat, "comhb", "stopbits", K::Integer, "1", 1, 2, false, nullptr, "Stop bits."},
        {O::Heartbeat, "comhb", "flow", K::Text, "none", 0, 0, false, "none|rtscts",
         "Flow control: none, or RTS/CTS hardware handshake (no XON/XOFF: the frames are "
         "binary)."},
    };
    return specs;
}

const ParameterSpec* parameterSpec(ObjectClass c, const QString& type, const QString& key) {
    for (const auto& s : parameterSpecs())
        if (s.objectClass == c && type == QLatin1String(s.type) && key == QLatin1String(s.key))
            return &s;
    return nullptr;
}

QString parameterDefault(ObjectClass c, const QString& type, const QString& key) {
    const auto* spec = parameterSpec(c, type, key);
    return spec ? QString::fromLatin1(spec->defaultValue) : QString();
}

static const QList<TypeInfo>& typeTable() {
    using O = ObjectClass;
    static const QList<TypeInfo> table{
        {O::Heartbeat, "lanhb", "LAN Heartbeat", true},
        {O::Heartbeat, "lankhb", "Kernel Mode LAN Heartbeat", true},
        {O::Heartbeat, "diskhb", "DISK Heartbeat", true},
        {O::Heartbeat, "comhb", "COM Heartbeat", true},
        {O::Heartbeat, "bmchb", "BMC Heartbeat", false},
        {O::Heartbeat, "witnesshb", "Witness Heartbeat", false},
        {O::NpResource, "pingnp", "ping resolution", true},
        {O::NpResource, "httpnp", "http resolution", false},
        {O::NpResource, "disknp", "disk resolution", true},
        {O::NpResource, "comnp", "COM resolution", false},
        {O::NpResource, "majonp", "majority resolution", false},
        {O::Group, "failover", "failover group", true},
        {O::Group, "cluster", "management group", true},
        {O::Group, "virtualmachine", "virtual machine group", false},
        {O::Resource, "fip", "Floating IP resource", true},
        {O::Resource, "vip", "Virtual IP resource", true},
        {O::Resource, "disk", "Disk resource", true},
        {O::Resource, "exec", "EXEC resource", true},
        {O::Resource, "volmgr", "Volume manager resource", true},
        {O::Resource, "md", "Mirror disk resource", false},
        {O::Resource, "hd", "Hybrid disk resource", false},
        {O::Resource, "raw", "Raw resource", false},
        {O::Resource, "nas", "NAS resource", false},
        {O::Resource, "vm", "VM resource", false},
        {O::Resource, "ddns", "Dynamic DNS resource", false},
        {O::Resource, "awsvip", "AWS virtual IP resource", false},
        {O::Resource, "awseip", "AWS elastic IP resource", false},
        {O::Resource, "awsdns", "AWS DNS resource", false},
        {O::Resource, "azurepp", "Azure probe port resource", false},
        {O::Resource, "azuredns", "Azure DNS resource", false},
        {O::Monitor, "userw", "User mode monitor", true},
        {O::Monitor, "ipw", "IP monitor", true},
        {O::Monitor, "miiw", "NIC Link Up/Down monitor", true},
        {O::Monitor, "diskw", "Disk monitor", true},
        {O::Monitor, "pidw", "PID monitor", true},
        {O::Monitor, "genw", "Custom monitor", true},
        {O::Monitor, "fipw", "Floating IP monitor", true},
        {O::Monitor, "vipw", "Virtual IP monitor", true},
        {O::Monitor, "volmgrw", "Volume manager monitor", true},
        {O::Monitor, "mtw", "Multi target monitor", true},
        {O::Monitor, "mdw", "Mirror disk monitor", false},
        {O::Monitor, "mdnw", "Mirror disk connect monitor", false},
        {O::Monitor, "hdw", "Hybrid disk monitor", false},
        {O::Monitor, "hdnw", "Hybrid disk connect monitor", false},
        {O::Monitor, "arpw", "ARP monitor", false},
        {O::Monitor, "vmw", "VM monitor", false},
        {O::Monitor, "mrw", "Message receive monitor", false},
        {O::Monitor, "ddnsw", "Dynamic DNS monitor", false},
        {O::Monitor, "db2w", "DB2 monitor", false},
        {O::Monitor, "ftpw", "FTP monitor", false},
        {O::Monitor, "httpw", "HTTP monitor", true},
        {O::Monitor, "imap4w", "IMAP4 monitor", false},
        {O::Monitor, "mysqlw", "MySQL monitor", false},
        {O::Monitor, "nfsw", "NFS monitor", false},
        {O::Monitor, "oraclew", "Oracle monitor", false},
        {O::Monitor, "pop3w", "POP3 monitor", false},
        {O::Monitor, "psqlw", "PostgreSQL monitor", false},
        {O::Monitor, "sambaw", "Samba monitor", false},
        {O::Monitor, "smtpw", "SMTP monitor", false},
        {O::Monitor, "psw", "Process name monitor", false},
    };
    return table;
}

const TypeInfo* typeInfo(ObjectClass c, const QString& type) {
    for (const auto& t : typeTable())
        if (t.objectClass == c && type == QLatin1String(t.type))
            return &t;
    return nullptr;
}

QList<TypeInfo> types(ObjectClass c) {
    QList<TypeInfo> out;
    for (const auto& t : typeTable())
        if (t.objectClass == c)
            out << t;
    return out;
}

QString formatValue(FieldKind kind, qint64 value) {
    if (kind == FieldKind::Seconds) {
        if (value % 1000 == 0)
            return QString::number(value / 1000);
        QString s = QString::number(double(value) / 1000.0, 'f', 3);
        while (s.endsWith('0'))
            s.chop(1);
        return s;
    }
    return QString::number(value);
}

std::optional<qint64> parseValue(FieldKind kind, const QString& text) {
    const QString t = text.trimmed();
    bool ok = false;
    switch (kind) {
    case FieldKind::Text: return std::nullopt;
    case FieldKind::Integer:
    case FieldKind::Milliseconds: {
        const qint64 v = t.toLongLong(&ok);
        return ok ? std::optional(v) : std::nullopt;
    }
    case FieldKind::Flag:
        if (t == QLatin1String("0") || t == QLatin1String("1"))
            return t.toLongLong();
        return std::nullopt;
    case FieldKind::Seconds: {
        static const QRegularExpression decimal(QStringLiteral(R"(^\d{1,9}(\.\d{1,3})?$)"));
        if (!decimal.match(t).hasMatch())
            return std::nullopt;
        return qint64(std::llround(t.toDouble() * 1000.0));
    }
    }
    return std::nullopt;
}

QString formatRange(FieldKind kind, qint64 min, qint64 max) {
    switch (kind) {
    case FieldKind::Text: return {};
    case FieldKind::Flag: return QStringLiteral("0 or 1");
    case FieldKind::Seconds:
        return QStringLiteral("%1 to %2 s").arg(formatValue(kind, min), formatValue(kind, max));
    case FieldKind::Milliseconds: return QStringLiteral("%1 to %2 ms").arg(min).arg(max);
    case FieldKind::Integer: return QStringLiteral("%1 to %2").arg(min).arg(max);
    }
    return {};
}

template <class Obj>
static void documentFields(QList<FieldDoc>& out, const QString& object,
                           const QList<Field<Obj>>& fields) {
    const Obj defaults{};
    for (const auto& f : fields) {
        QString def;
        if (auto p = std::get_if<int Obj::*>(&f.member))
            def = formatValue(f.kind, defaults.*(*p));
        else if (auto p = std::get_if<bool Obj::*>(&f.member))
            def = (defaults.*(*p)) ? "1" : "0";
        else if (auto p = std::get_if<QString Obj::*>(&f.member))
            def = defaults.*(*p);
        QString unit = f.kind == FieldKind::Seconds ? " s"
                       : f.kind == FieldKind::Milliseconds ? " ms" : "";
        QString range = f.allowed ? QString::fromLatin1(f.allowed).replace('|', ", ")
                                  : formatRange(f.kind, f.min, f.max);
        out << FieldDoc{object, QString::fromLatin1(f.path),
                        def.isEmpty() ? QStringLiteral("(none)") : def + unit, range,
                        QString::fromUtf8(f.meaning)};
    }
}

QList<FieldDoc> fieldDocs() {
    QList<FieldDoc> out;
    documentFields(out, "root", clusterFields());
    documentFields(out, "server", serverFields());
    documentFields(out, "heartbeat/*", heartbeatFields());
    documentFields(out, "networkpartition/pingnp", npFields());
    documentFields(out, "group", groupFields());
    documentFields(out, "resource/*", resourceFields());
    documentFields(out, "monitor/*", monitorFields());
    for (const auto& s : parameterSpecs()) {
        const QString object =
            QStringLiteral("%1/%2").arg(objectClassName(s.objectClass), QLatin1String(s.type));
        QString def = QString::fromLatin1(s.defaultValue);
        if (!def.isEmpty() && s.kind == FieldKind::Seconds)
            def += " s";
        QString range = s.allowed ? QString::fromLatin1(s.allowed).replace('|', ", ")
                                  : formatRange(s.kind, s.min, s.max);
        out << FieldDoc{object, "parameters/" + QString::fromLatin1(s.key),
                        def.isEmpty() ? (s.required ? "(required)" : "(none)") : def, range,
                        QString::fromUtf8(s.meaning)};
    }
    return out;
}

QString defaultsMarkdown() {
    QString md = QStringLiteral("| object | XML path | default | range | meaning |\n"
                                "| --- | --- | --- | --- | --- |\n");
    for (const auto& d : fieldDocs())
        md += QStringLiteral("| %1 | `%2` | %3 | %4 | %5 |\n")
                  .arg(d.object, d.xmlPath, d.defaultValue, d.range, d.meaning);
    return md;
}

} // namespace lifeline::config::schema
