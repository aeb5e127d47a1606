#include "LogCollection.h"

#include <QDir>
#include <QFile>
#include <QJsonDocument>
#include <QNetworkInterface>
#include <QSysInfo>

namespace lifeline::daemon {

namespace {

// Files of /proc that describe the server, read as they are. /proc/net is the network
// namespace lifelined runs in (a test server's own one).
const char* const kProcFiles[] = {
    "version",
    "cmdline",
    "uptime",
    "loadavg",
    "meminfo",
    "cpuinfo",
    "mounts",
    "partitions",
    "diskstats",
    "swaps",
    "net/dev",
    "net/route",
    "net/ipv6_route",
    "net/if_inet6",
    "net/arp",
    "net/fib_trie",
    "net/tcp",
    "net/tcp6",
    "net/udp",
    "net/udp6",
    "net/snmp",
    "net/netstat",
    "sys/kernel/hostname",
};

// The collection types, in the order of LogCollection::Type.
struct TypeInfo {
    LogCollection::Type type;
    const char* name;
    const char* description;
};
const TypeInfo kTypes[] = {
    {LogCollection::Type::Type1, "type1",
     "configuration, alert history, status, logs, system information"},
    {LogCollection::Type::Type2, "type2", "configuration, alert history, status, logs"},
    {LogCollection::Type::Type3, "type3", "configuration, alert history, status"},
};

// `uname -a` and the product name, from the kernel (uname(2)) and /proc.
QByteArray unameText() {
    QFile version(QStringLiteral("/proc/sys/kernel/version"));
    QByteArray build;
    if (version.open(QIODevice::ReadOnly))
        build = version.readAll().trimmed();
    return QStringLiteral("%1 %2 %3 %4 %5\n%6\n")
        .arg(QSysInfo::kernelType(), QSysInfo::machineHostName(), QSysInfo::kernelVersion(),
             QString::fromUtf8(build), QSysInfo::currentCpuArchitecture(),
             QSysInfo::prettyProductName())
        .toUtf8();
}

// What `ip addr` shows: every interface with its flags, MTU, hardware and IP addresses.
QByteArray interfacesText() {
    QString out;
    for (const auto& i : QNetworkInterface::allInterfaces()) {
        QStringList flags;
        const auto f = i.flags();
        if (f & QNetworkInterface::IsUp)
            flags << QStringLiteral("UP");
        if (f & QNetworkInterface::IsRunning)
            flags << QStringLiteral("RUNNING");
        if (f & QNetworkInterface::IsLoopBack)
            flags << QStringLiteral("LOOPBACK");
        if (f & QNetworkInterface::CanBroadcast)
            flags << QStringLiteral("BROADCAST");
        if (f & QNetworkInterface::CanMulticast)
            flags << QStringLiteral("MULTICAST");
        out += QStringLiteral("%1: %2 <%3> mtu %4\n")
                   .arg(i.index())
                   .arg(i.name(), flags.join(QLatin1Char(',')))
                   .arg(i.maximumTransmissionUnit());
        if (!i.hardwareAddress().isEmpty())
            out += QStringLiteral("    link %1\n").arg(i.hardwareAddress().toLower());
        for (const auto& a : i.addressEntries())
            out += QStringLiteral("    inet%1 %2/%3\n")
                       .arg(a.ip().protocol() == QAbstractSocket::IPv6Protocol ? QStringLiteral("6")
                                                                               : QString())
                       .arg(a.ip().toString())
                       .arg(a.prefixLength());
    }
    return out.toUtf8();
}

} // namespace

std::optional<LogCollection::Type> LogCollection::typeFromName(const QString& name) {
    for (const auto& t : kTypes)
        if (name.compare(QLatin1String(t.name), Qt::CaseInsensitive) == 0)
            return t.type;
    return std::nullopt;
}

QString LogCollection::typeName(Type type) {
    return QLatin1String(kTypes[int(type)].name);
}

QString LogCollection::typeDescription(Type type) {
    return QLatin1String(kTypes[int(type)].description);
}

QString LogCollection::baseName(const QString& server, const QDateTime& time) {
    QString safe = server;
    for (auto& c : safe)
        if (!c.isLetterOrNumber() && c != QLatin1Char('-') && c != QLatin1Char('_') &&
            c != QLatin1Char('.'))
            c = QLatin1Char('_');
    return safe + QLatin1Char('-') + time.toLocalTime().toString(QStringLiteral("yyyyMMdd-HHmmss"));
}

bool LogCollection::build(const Input& input, const QString& path, LogArchive::Limits limits,
                          const std::atomic_bool* cancelled, QString* error) {
    LogArchive archive(path, baseName(input.server, input.time), limits);
    if (!archive.open(error))
        return false;
    auto stop = [&] {
        if (cancelled && cancelled->load()) {
            *error = QStringLiteral("the collection was cancelled");
            return true;
        }
        return false;
    };
    // The small, most telling parts first: the limit of the whole cuts logs, not these.
    archive.addData(QStringLiteral("lifeline/status.json"), input.status);
    QByteArray lines;
    QByteArray json;
    for (const auto& a : input.alerts) {
        lines += a.line().toUtf8() + '\n';
        json += QJsonDocument(a.toJson()).toJson(QJsonDocument::Compact) + '\n';
    }
    archive.addData(QStringLiteral("lifeline/alerts.txt"), lines);
    archive.addData(QStringLiteral("lifeline/alerts.jsonl"), json);
    // Never the cluster key: whoever has it is a member of the cluster.
    archive.addTree(QStringLiteral("etc"), input.paths.configDir(),
                    {QStringLiteral("clp.key"), QStringLiteral(".staging")});
    if (stop())
        return false;
    if (input.type == Type::Type1) {
        archive.addData(QStringLiteral("system/uname.txt"), unameText());
        archive.addData(QStringLiteral("system/interfaces.txt"), interfacesText());
        for (const char* file : kProcFiles)
            archive.addFile(QStringLiteral("system/proc/") + QLatin1String(file),
                            QStringLiteral("/proc/") + QLatin1String(file));
        // The OS's own files, below the root prefix like every Lifeline path.
        const QDir root(input.paths.root());
        archive.addFile(QStringLiteral("system/os-release"),
                        root.filePath(QStringLiteral("etc/os-release")));
        for (const auto* log : {"syslog", "messages"})
            archive.addFile(QStringLiteral("system/log/") + QLatin1String(log),
                            root.filePath(QStringLiteral("var/log/") + QLatin1String(log)));
        if (stop())
            return false;
    }
    if (input.type != Type::Type3)
        archive.addTree(QStringLiteral("log"), input.paths.logDir());
    if (stop())
        return false;
    const QString header =
        QStringLiteral("Lifeline log collection (clplogcc)\n"
                       "server:    %1\n"
                       "type:      %2 (%3)\n"
                       "collected: %4\n"
                       "root:      %5\n")
            .arg(input.server, typeName(input.type), typeDescription(input.type),
                 input.time.toLocalTime().toString(Qt::ISODate), input.paths.root());
    return archive.close(header, error);
}

} // namespace lifeline::daemon
