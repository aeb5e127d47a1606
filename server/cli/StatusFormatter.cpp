#include "StatusFormatter.h"

#include "Schema.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <algorithm>

namespace lifeline::cli {

using config::schema::ObjectClass;

namespace {

const QString kStatusBanner =
    QStringLiteral(" ========================  CLUSTER STATUS  ===========================\n");
const QString kStatusEnd =
    QStringLiteral(" =====================================================================\n");
const QString kInfoBanner =
    QStringLiteral("=======================  CLUSTER INFORMATION  =======================\n");
const QString kInfoEnd =
    QStringLiteral("=====================================================================\n");

QString field(const QJsonObject& o, const char* key) {
    const QJsonValue v = o.value(QLatin1String(key));
    if (v.isDouble()) {
        const double d = v.toDouble();
        return d == double(qint64(d)) ? QString::number(qint64(d)) : QString::number(d);
    }
    return v.toString();
}

// A state the daemon did not give is shown as Unknown rather than as a gap.
QString stateOf(const QJsonObject& o) {
    const QString s = field(o, "state");
    return s.isEmpty() ? QStringLiteral("Unknown") : s;
}

QString rightTrimmed(QString line) {
    while (line.endsWith(' '))
        line.chop(1);
    return line;
}

QString seconds(int ms) {
    return config::schema::formatValue(config::schema::FieldKind::Seconds, ms);
}

QString onOff(const QString& flag) {
    return flag == QLatin1String("1") ? QStringLiteral("On") : QStringLiteral("Off");
}

QString typeDescription(ObjectClass c, const QString& type) {
    const auto* info = config::schema::typeInfo(c, type);
    return info ? QString::fromLatin1(info->description) : QString();
}

template <class T> QList<T> byPriority(QList<T> list) {
    std::stable_sort(list.begin(), list.end(),
                     [](const T& a, const T& b) { return a.priority < b.priority; });
    return list;
}

// The type-specific parameters a monitor's information view shows, and their
// labels. Only these: ExpressCluster shows chosen settings, not every element (a
// converted userw carries <action>RESET</action> that its softdog view omits).
struct ParameterLabel {
    const char* type;
    const char* key;
    const char* label;
    enum class Style { Text, OnOff, Sync } style;
    const char* fallback;   // when neither the file nor the schema gives a value
    const char* onlyMethod; // shown only when parameters/method is this, or always
};

const ParameterLabel kParameterLabels[] = {
    {"userw", "method", "Method", ParameterLabel::Style::Text, "", nullptr},
    {"userw", "action", "Action", ParameterLabel::Style::Text, "RESET", "keepalive"},
    // Lifeline's userw runs on the heartbeat interval and timeout unless told
    // otherwise (<usehb>0</usehb>), as ExpressCluster's default does.
    {"userw", "usehb", "Use HB interval and timeout", ParameterLabel::Style::OnOff, "1", nullptr},
    {"diskw", "method", "Method", ParameterLabel::Style::Text, "", nullptr},
    {"diskw", "object", "Monitor Target", ParameterLabel::Style::Text, "", nullptr},
    {"diskw", "size", "I/O Size", ParameterLabel::Style::Text, "", nullptr},
    {"miiw", "object", "Monitor Target", ParameterLabel::Style::Text, "", nullptr},
    {"genw", "path", "Script Path", ParameterLabel::Style::Text, "", nullptr},
    {"genw", "sync", "Monitor Type", ParameterLabel::Style::Sync, "", nullptr},
    {"fipw", "monmii", "Monitor NIC Link Up/Down", ParameterLabel::Style::OnOff, "", nullptr},
    {"volmgrw", "type", "Volume Manager", ParameterLabel::Style::Text, "", nullptr},
    {"volmgrw", "devname", "Target Name", ParameterLabel::Style::Text, "", nullptr},
    {"mtw", "count", "Error Threshold", ParameterLabel::Style::Text, "", nullptr},
};

QString recoveryTargetType(const QString& relation) {
    if (relation == QLatin1String("cls"))
        return QStringLiteral("Cluster");
    if (relation == QLatin1String("grp"))
        return QStringLiteral("Group");
    if (relation == QLatin1String("rsc"))
        return QStringLiteral("Resource");
    return relation;
}

} // namespace

StatusFormatter::StatusFormatter(QJsonObject status, const config::ClusterConfig* config)
    : status_(std::move(status)), config_(config) {}

QString StatusFormatter::row(int indent, bool local, const QString& name, bool leader,
                             const QString& value, const QString& comment, bool longNames) {
    const int column = longNames ? kLongNameColumn : kNameColumn;
    QString line(indent, QLatin1Char(' '));
    if (local && indent > 0)
        line[indent - 1] = QLatin1Char('*');
    // The name plus at least one space must fit before the ':'. The default view
    // cuts longer names and marks the cut with '~'; --long never cuts.
    const int room = column - indent - 1;
    if (!longNames && name.size() > room)
        line += name.left(std::max(0, room - 1)) + QLatin1Char('~');
    else
        line += name;
    if (line.size() < column) {
        if (leader) {
            line += QLatin1Char(' ');
            line += QString(column - line.size(), QLatin1Char('.'));
        } else {
            line += QString(column - line.size(), QLatin1Char(' '));
        }
    } else {
        line += QLatin1Char(' ');
    }
    line += QStringLiteral(": ");
    line += value.size() < kStateWidth ? value.leftJustified(kStateWidth) : value + ' ';
    line += comment;
    return rightTrimmed(line) + QLatin1Char('\n');
}

QString StatusFormatter::item(int indent, const QString& label, const QString& value) {
    const int column = indent <= 2 ? kItemColumn : kNestedItemColumn;
    QString line = QString(indent, QLatin1Char(' ')) + label;
    line += line.size() < column ? QString(column - line.size(), QLatin1Char(' '))
                                 : QStringLiteral(" ");
    line += QLatin1Char(':');
    if (!value.isEmpty())
        line += QLatin1Char(' ') + value;
    return rightTrimmed(line) + QLatin1Char('\n');
}

QString StatusFormatter::json() const {
    return QString::fromUtf8(QJsonDocument(status_).toJson(QJsonDocument::Indented));
}

bool StatusFormatter::render(const StatusView& view, QString* text, QString* error) const {
    text->clear();
    if (view.needsConfig() && !config_) {
        *error = QStringLiteral("this view needs the cluster configuration");
        return false;
    }
    switch (view.kind) {
    case StatusView::Kind::Status:
        return statusView(view, text, error);
    case StatusView::Kind::Heartbeats:
        return heartbeatView(view, text, error);
    case StatusView::Kind::Partition:
        return partitionView(view, text, error);
    case StatusView::Kind::Monitors:
        return monitorView(view, text, error);
    case StatusView::Kind::Cluster:
        return clusterView(view, text, error);
    }
    return false;
}

// --- CLUSTER STATUS ----------------------------------------------------------------------

bool StatusFormatter::statusView(const StatusView& view, QString* text, QString* error) const {
    const QJsonArray servers = status_.value(QLatin1String("servers")).toArray();
    const QJsonArray groups = status_.value(QLatin1String("groups")).toArray();
    const QJsonArray monitors = status_.value(QLatin1String("monitors")).toArray();
    auto contains = [](const QJsonArray& list, const QString& name) {
        return std::any_of(list.begin(), list.end(), [&](const QJsonValue& v) {
            return v.toObject().value(QLatin1String("name")).toString() == name;
        });
    };
    if (!view.name.isEmpty()) {
        if (view.sections == StatusView::Servers && !contains(servers, view.name)) {
            *error = QStringLiteral("no server named \"%1\" in the cluster").arg(view.name);
            return false;
        }
        if (view.sections == StatusView::Groups && !contains(groups, view.name)) {
            *error = QStringLiteral("no group named \"%1\" in the cluster").arg(view.name);
            return false;
        }
        if (view.sections == StatusView::Resources &&
            std::none_of(groups.begin(), groups.end(), [&](const QJsonValue& g) {
                return contains(g.toObject().value(QLatin1String("resources")).toArray(), view.name);
            })) {
            *error = QStringLiteral("no group resource named \"%1\" in the cluster").arg(view.name);
            return false;
        }
    }
    auto selected = [&](const QJsonValue& v) {
        return view.name.isEmpty() || v.toObject().value(QLatin1String("name")) == view.name;
    };

    QString& out = *text;
    out += kStatusBanner;
    const QJsonObject cluster = status_.value(QLatin1String("cluster")).toObject();
    out += QStringLiteral("  Cluster : ") + field(cluster, "name");
    const QString clusterState = field(cluster, "state");
    // Only an unusual cluster state is worth a word; Online is the samples' plain line.
    if (!clusterState.isEmpty() && clusterState != QLatin1String("Online"))
        out += QStringLiteral(" (%1)").arg(clusterState);
    out += QLatin1Char('\n');
    if (view.sections & StatusView::Servers) {
        out += QStringLiteral("  <server>\n");
        for (const auto& s : servers)
            if (selected(s))
                serverBlock(s.toObject(), view.longNames, out);
    }
    if (view.sections & StatusView::Groups) {
        out += QStringLiteral("  <group>\n");
        for (const auto& g : groups)
            if (selected(g))
                groupBlock(g.toObject(), view.longNames, out);
    }
    if (view.sections & StatusView::Resources) {
        // Each resource with the group it belongs to, where that group is, and why
        // it is in error.
        out += QStringLiteral("  <resource>\n");
        for (const auto& g : groups) {
            const QJsonObject group = g.toObject();
            for (const auto& r : group.value(QLatin1String("resources")).toArray()) {
                if (!selected(r))
                    continue;
                const QJsonObject o = r.toObject();
                out += row(4, false, field(o, "name"), true, stateOf(o), field(o, "comment"), view.longNames);
                out += row(6, false, QStringLiteral("group"), false, field(group, "name"), QString(), view.longNames);
                out += row(6, false, QStringLiteral("current"), false, field(group, "current"), QString(), view.longNames);
                if (!field(o, "reason").isEmpty())
                    out += row(6, false, QStringLiteral("reason"), false, field(o, "reason"), QString(), view.longNames);
            }
        }
    }
    if (view.sections & StatusView::MonitorList) {
        out += QStringLiteral("  <monitor>\n");
        for (const auto& m : monitors) {
            const QJsonObject o = m.toObject();
            out += row(4, false, field(o, "name"), false, stateOf(o), field(o, "comment"),
                       view.longNames);
            monitorServerRows(o, 6, view.longNames, out);
        }
    }
    out += kStatusEnd;
    return true;
}

// A monitor's state on every server (lifelined's `servers` map), in the servers' order; none
// for a status without the map (older lifelined) or of one server (the row above says it).
void StatusFormatter::monitorServerRows(const QJsonObject& monitor, int indent, bool longNames, QString& out) const {
    const QJsonObject perServer = monitor.value(QLatin1String("servers")).toObject();
    if (perServer.size() < 2)
        return;
    for (const auto& s : status_.value(QLatin1String("servers")).toArray()) {
        const QString name = field(s.toObject(), "name");
        if (perServer.contains(name))
            out += row(indent, false, name, false, perServer.value(name).toString(), QString(), longNames);
    }
}

void StatusFormatter::serverBlock(const QJsonObject& server, bool longNames, QString& out) const {
    const QString name = field(server, "name");
    const bool local = name == status_.value(QLatin1String("local")).toString();
    out += row(4, local, name, true, stateOf(server), field(server, "comment"), longNames);
    const QString reason = field(server, "reason");
    if (!reason.isEmpty())
        out += row(6, false, QStringLiteral("reason"), false, reason, QString(), longNames);
    for (const char* list : {"heartbeats", "np"})
        for (const auto& p : server.value(QLatin1String(list)).toArray()) {
            const QJsonObject o = p.toObject();
            out +=
                row(6, false, field(o, "name"), false, stateOf(o), field(o, "comment"), longNames);
        }
}

void StatusFormatter::groupBlock(const QJsonObject& group, bool longNames, QString& out) const {
    out += row(4, false, field(group, "name"), true, stateOf(group), field(group, "comment"),
               longNames);
    out += row(6, false, QStringLiteral("current"), false, field(group, "current"), QString(),
               longNames);
    for (const auto& r : group.value(QLatin1String("resources")).toArray()) {
        const QJsonObject o = r.toObject();
        out += row(6, false, field(o, "name"), false, stateOf(o), field(o, "comment"), longNames);
    }
}

// --- CLUSTER INFORMATION -----------------------------------------------------------------

QString StatusFormatter::pathComment(const char* listKey, const QString& name,
                                     const QString& fallback) const {
    for (const auto& s : status_.value(QLatin1String("servers")).toArray())
        for (const auto& p : s.toObject().value(QLatin1String(listKey)).toArray()) {
            const QJsonObject o = p.toObject();
            if (field(o, "name") == name && !field(o, "comment").isEmpty())
                return field(o, "comment");
        }
    return fallback;
}

bool StatusFormatter::heartbeatView(const StatusView& view, QString* text, QString* error) const {
    const auto heartbeats = byPriority(config_->heartbeats);
    if (!view.name.isEmpty() &&
        std::none_of(heartbeats.begin(), heartbeats.end(),
                     [&](const config::Heartbeat& h) { return h.name == view.name; })) {
        *error = QStringLiteral("no heartbeat resource named \"%1\"").arg(view.name);
        return false;
    }
    const QJsonObject allCounters = status_.value(QLatin1String("heartbeatCounters")).toObject();
    QString& out = *text;
    out += kInfoBanner;
    for (qsizetype i = 0; i < heartbeats.size(); ++i) {
        const auto& hb = heartbeats[i];
        if (!view.name.isEmpty() && hb.name != view.name)
            continue;
        out += QStringLiteral("[HB%1 : %2]\n").arg(i).arg(hb.name);
        out += item(2, QStringLiteral("Type"), hb.type);
        out += item(
            2, QStringLiteral("Comment"),
            pathComment("heartbeats", hb.name, typeDescription(ObjectClass::Heartbeat, hb.type)));
        if (!view.detail)
            continue;
        out += item(2, QStringLiteral("Priority"), QString::number(hb.priority));
        out += item(2, QStringLiteral("Device ID"), QString::number(hb.deviceId));
        const QJsonValue counters = allCounters.value(hb.name);
        if (!counters.isObject())
            continue;
        const QJsonObject c = counters.toObject();
        static const std::pair<const char*, const char*> kCounters[] = {
            {"sent", "Packets Sent"},
            {"received", "Packets Received"},
            {"accepted", "Packets Accepted"},
            {"malformed", "Malformed Packets"},
            {"foreignCluster", "Packets of Another Cluster"},
            {"forged", "Forged Packets"},
            {"replayed", "Replayed Packets"},
            {"unknownSender", "Packets from Unknown Senders"},
        };
        for (const auto& [key, label] : kCounters)
            out += item(2, QString::fromLatin1(label),
                        QString::number(c.value(QLatin1String(key)).toInteger()));
    }
    out += kInfoEnd;
    return true;
}

bool StatusFormatter::partitionView(const StatusView& view, QString* text, QString* error) const {
    const auto resources = byPriority(config_->npResources);
    if (!view.name.isEmpty() &&
        std::none_of(resources.begin(), resources.end(),
                     [&](const config::NpResource& n) { return n.name == view.name; })) {
        *error =
            QStringLiteral("no network partition resolution resource named \"%1\"").arg(view.name);
        return false;
    }
    QString& out = *text;
    out += kInfoBanner;
    for (qsizetype i = 0; i < resources.size(); ++i) {
        const auto& np = resources[i];
        if (!view.name.isEmpty() && np.name != view.name)
            continue;
        out += QStringLiteral("[NP%1 : %2]\n").arg(i).arg(np.name);
        out += item(2, QStringLiteral("Type"), np.type);
        out += item(2, QStringLiteral("Comment"),
                    pathComment("np", np.name, typeDescription(ObjectClass::NpResource, np.type)));
        for (qsizetype g = 0; g < np.targetGroups.size(); ++g)
            out += item(2, QStringLiteral("Target Group %1").arg(g),
                        np.targetGroups[g].join(QStringLiteral(", ")));
        if (!view.detail)
            continue;
        out += item(2, QStringLiteral("Priority"), QString::number(np.priority));
        out += item(2, QStringLiteral("Interval (sec)"), seconds(np.intervalMs));
        out += item(2, QStringLiteral("Timeout (sec)"), seconds(np.timeoutMs));
        out += item(2, QStringLiteral("Retry Count"), QString::number(np.retry));
    }
    // The decisions this server took, newest last, as the daemon keeps them.
    out += QStringLiteral("[Verdicts]\n");
    const QJsonArray verdicts =
        status_.value(QLatin1String("np")).toObject().value(QLatin1String("verdicts")).toArray();
    if (verdicts.isEmpty())
        out += QStringLiteral("  (none)\n");
    for (const auto& v : verdicts) {
        const QJsonObject o = v.toObject();
        QString line = QStringLiteral("  ") + field(o, "time") + QStringLiteral("  ") +
                       field(o, "peer").leftJustified(16) + QLatin1Char(' ') +
                       field(o, "verdict").leftJustified(14) + QLatin1Char(' ') +
                       field(o, "reason");
        out += rightTrimmed(line) + QLatin1Char('\n');
    }
    out += kInfoEnd;
    return true;
}

void StatusFormatter::monitorDetails(const config::Monitor& m, bool detail, QString& out) const {
    for (const auto& p : kParameterLabels) {
        if (m.type != QLatin1String(p.type))
            continue;
        if (p.onlyMethod && m.param(QStringLiteral("method")) != QLatin1String(p.onlyMethod))
            continue;
        const QString key = QString::fromLatin1(p.key);
        QString value = m.param(key);
        if (value.isEmpty())
            value = QString::fromLatin1(p.fallback);
        if (p.style == ParameterLabel::Style::OnOff)
            value = onOff(value);
        else if (p.style == ParameterLabel::Style::Sync)
            value = value == QLatin1String("0") ? QStringLiteral("Asynchronous")
                                                : QStringLiteral("Synchronous");
        out += item(4, QString::fromLatin1(p.label), value);
    }
    if (m.type == QLatin1String("ipw")) {
        // <list id="N"><ip>...</ip></list>, flattened as "list[N]/ip".
        QStringList addresses;
        for (auto it = m.parameters.begin(); it != m.parameters.end(); ++it)
            if (it.key().startsWith(QLatin1String("list[")) &&
                it.key().endsWith(QLatin1String("/ip")))
                addresses << it.value();
        out += item(4, QStringLiteral("IP Addresses"), addresses.join(QStringLiteral(", ")));
    }
    if (!detail)
        return;
    out += item(4, QStringLiteral("Monitor Timing"),
                m.monitorsWhileActive() ? QStringLiteral("Active") : QStringLiteral("Always"));
    if (m.monitorsWhileActive())
        out += item(4, QStringLiteral("Target Resource"), m.target);
    // A userw on the heartbeat timing runs at the cluster's interval and timeout.
    const bool heartbeatTiming =
        m.type == QLatin1String("userw") &&
        m.parameters.value(QStringLiteral("usehb"), QStringLiteral("1")) == QLatin1String("1");
    out += item(4, QStringLiteral("Interval (sec)"),
                seconds(heartbeatTiming ? config_->cluster.heartbeatIntervalMs : m.intervalMs));
    out += item(4, QStringLiteral("Timeout (sec)"),
                seconds(heartbeatTiming ? config_->cluster.heartbeatTimeoutMs : m.timeoutMs));
    out += item(4, QStringLiteral("Retry Count"), QString::number(m.retry));
    out += item(4, QStringLiteral("Wait Time to Start Monitoring (sec)"), seconds(m.firstWaitMs));
    out += item(4, QStringLiteral("Recovery Target"), m.relationName);
    out += item(4, QStringLiteral("Recovery Target Type"), recoveryTargetType(m.relationType));
    out += item(4, QStringLiteral("Reactivation Threshold"), QString::number(m.restartThreshold));
    out += item(4, QStringLiteral("Failover Threshold"), QString::number(m.failoverThreshold));
    out += item(4, QStringLiteral("Final Action"), config::finalActionName(m.finalAction));
    if (m.preActionUse)
        out += item(4, QStringLiteral("Script before Final Action"), m.preActionScript);
    out += item(4, QStringLiteral("Do Not Retry at Timeout Occurrence"), onOff(QString::number(int(m.timeoutNoRetry))));
    out += item(4, QStringLiteral("Do Not Execute Recovery Action at Timeout Occurrence"),
                onOff(QString::number(int(m.timeoutNoRecovery))));
    out += item(4, QStringLiteral("Servers"),
                m.servers.isEmpty() ? QStringLiteral("All") : m.servers.join(QStringLiteral(", ")));
    // What the local lifelined knows of it now (absent when the status has no such monitor).
    for (const auto& v : status_.value(QLatin1String("monitors")).toArray()) {
        const QJsonObject o = v.toObject();
        if (field(o, "name") != m.name)
            continue;
        out += item(4, QStringLiteral("Status"), stateOf(o));
        const QJsonObject perServer = o.value(QLatin1String("servers")).toObject();
        if (perServer.size() > 1)
            for (const auto& s : status_.value(QLatin1String("servers")).toArray()) {
                const QString server = field(s.toObject(), "name");
                if (perServer.contains(server))
                    out += item(4, QStringLiteral("Status on %1").arg(server), perServer.value(server).toString());
            }
        out += item(4, QStringLiteral("Last Error"), field(o, "lastError"));
        out += item(4, QStringLiteral("Last Error Time"), field(o, "lastErrorAt"));
        out += item(4, QStringLiteral("Reactivation Count"), QString::number(o.value(QLatin1String("reactivations")).toInt()));
        out += item(4, QStringLiteral("Failover Count"), QString::number(o.value(QLatin1String("failovers")).toInt()));
        out += item(4, QStringLiteral("Timed-out Checks"), QString::number(o.value(QLatin1String("timeouts")).toInt()));
    }
}

bool StatusFormatter::monitorView(const StatusView& view, QString* text, QString* error) const {
    const auto& monitors = config_->monitors;
    if (!view.name.isEmpty() && !config_->monitor(view.name)) {
        *error = QStringLiteral("no monitor resource named \"%1\"").arg(view.name);
        return false;
    }
    QString& out = *text;
    out += kInfoBanner;
    for (qsizetype i = 0; i < monitors.size(); ++i) {
        const auto& m = monitors[i];
        if (!view.name.isEmpty() && m.name != view.name)
            continue;
        out += QStringLiteral("[Monitor%1 : %2]\n").arg(i).arg(m.name);
        out += item(4, QStringLiteral("Type"), m.type);
        out += item(4, QStringLiteral("Comment"), m.comment);
        monitorDetails(m, view.detail, out);
    }
    out += kInfoEnd;
    return true;
}

bool StatusFormatter::clusterView(const StatusView& view, QString* text, QString*) const {
    const auto& c = config_->cluster;
    const QJsonObject cluster = status_.value(QLatin1String("cluster")).toObject();
    QString& out = *text;
    out += kInfoBanner;
    out += QStringLiteral("[Cluster : %1]\n").arg(c.name);
    out += item(4, QStringLiteral("Comment"), c.comment);
    if (!field(cluster, "state").isEmpty())
        out += item(4, QStringLiteral("Status"), field(cluster, "state"));
    if (view.detail) {
        out += QStringLiteral("  <Timeout>\n");
        out += item(4, QStringLiteral("Server Sync Wait Time (sec)"), seconds(c.syncWaitMs));
        out += item(4, QStringLiteral("Heartbeat Interval (msec)"),
                    QString::number(c.heartbeatIntervalMs));
        out += item(4, QStringLiteral("Heartbeat Timeout (msec)"),
                    QString::number(c.heartbeatTimeoutMs));
        const QJsonValue ratio = cluster.value(QLatin1String("timeoutRatio"));
        out += item(4, QStringLiteral("Timeout Ratio"),
                    ratio.isDouble() ? QString::number(ratio.toDouble()) : QStringLiteral("1"));
        out += QStringLiteral("  <Port Number>\n");
        out +=
            item(4, QStringLiteral("Server Internal Port Number"), QString::number(c.internalPort));
        out += item(4, QStringLiteral("Heartbeat Port Number"), QString::number(c.heartbeatPort));
        out += item(4, QStringLiteral("Kernel Mode Heartbeat Port Number"),
                    QString::number(c.kernelHeartbeatPort));
        out += item(4, QStringLiteral("WebManager Port Number"), QString::number(c.webmgrPort));
        out += QStringLiteral("  <Monitor>\n");
        out += item(4, QStringLiteral("Shutdown Monitoring Method"), c.shutdownMethod);
        out += item(4, QStringLiteral("Operation at Timeout Detection"), c.shutdownAction);
        out += QStringLiteral("  <Network Partition Resolution>\n");
        out +=
            item(4, QStringLiteral("Action at NP Occurrence"), config::finalActionName(c.npAction));
        const QJsonObject configInfo = status_.value(QLatin1String("config")).toObject();
        out += QStringLiteral("  <Configuration>\n");
        out += item(4, QStringLiteral("Character Set"), c.charset);
        if (!configInfo.isEmpty()) {
            out += item(4, QStringLiteral("Generation"), field(configInfo, "generation"));
            out += item(4, QStringLiteral("Hash"), field(configInfo, "hash"));
        }
    }
    out += kInfoEnd;
    return true;
}

} // namespace lifeline::cli
