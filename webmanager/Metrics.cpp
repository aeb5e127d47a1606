#include "Metrics.h"

#include <QJsonArray>
#include <QList>
#include <QPair>
#include <QStringList>

namespace lifeline::webmgr {

namespace {

using Labels = QList<QPair<const char*, QString>>;

QString str(const QJsonObject& o, const char* key) { return o.value(QLatin1String(key)).toString(); }
QJsonArray arr(const QJsonObject& o, const char* key) { return o.value(QLatin1String(key)).toArray(); }

// One metric family: HELP, TYPE and its samples.
class Family {
public:
    Family(QByteArray* out, const char* name, const char* type, const char* help) : out_(out), name_(name) {
        *out_ += QByteArray("# HELP ") + name + ' ' + help + "\n# TYPE " + name + ' ' + type + '\n';
    }
    void sample(const Labels& labels, qint64 value) { write(name_, labels, QByteArray::number(value)); }
    void seconds(const Labels& labels, double value) { write(name_, labels, number(value)); }
    // A summary's two series: the sum of the seconds and the count.
    void summary(const Labels& labels, double sum, qint64 count) {
        write(name_ + "_sum", labels, number(sum));
        write(name_ + "_count", labels, QByteArray::number(count));
    }

private:
    static QByteArray number(double value) { return QByteArray::number(value, 'g', 12); }
    void write(const QByteArray& name, const Labels& labels, const QByteArray& value) {
        *out_ += name;
        if (!labels.isEmpty()) {
            QByteArrayList parts;
            for (const auto& [k, v] : labels)
                parts << QByteArray(k) + "=\"" + Metrics::escape(v) + '"';
            *out_ += '{' + parts.join(',') + '}';
        }
        *out_ += ' ' + value + '\n';
    }

    QByteArray* out_;
    QByteArray name_;
};

// Every state a family can show gets a sample (1 for the current one), so a query can
// ask for `== 1` of any state and see the others at 0.
void states(Family& f, Labels labels, const QStringList& known, const QString& current) {
    QStringList all = known;
    if (!all.contains(current))
        all << current;
    labels << qMakePair("state", QString());
    for (const QString& s : all) {
        labels.last().second = s;
        f.sample(labels, s == current ? 1 : 0);
    }
}

const QStringList kGroupStates{"Online", "Offline", "Error", "Online Pending", "Offline Pending", "Unknown"};
const QStringList kMonitorStates{"Normal", "Warning", "Error", "Offline", "Suspended", "Unknown"};

} // namespace

QByteArray Metrics::escape(const QString& value) {
    QByteArray out;
    for (const char c : value.toUtf8()) {
        if (c == '\\')
            out += "\\\\";
        else if (c == '"')
            out += "\\\"";
        else if (c == '\n')
            out += "\\n";
        else
            out += c;
    }
    return out;
}

QByteArray Metrics::render(const QJsonObject& status) {
    QByteArray out;
    const QString local = str(status, "local");
    const auto servers = arr(status, "servers");
    const auto groups = arr(status, "groups");

    const auto cluster = status.value(QLatin1String("cluster")).toObject();
    Family clusterState(&out, "lifeline_cluster_state", "gauge",
                        "The cluster's state (1 on the current one), as seen by this server.");
    states(clusterState, {{"cluster", str(cluster, "name")}},
           {"Online", "Suspended", "Stopped", "Starting"}, str(cluster, "state"));

    Family up(&out, "lifeline_server_up", "gauge",
              "1 when the server is up in the cluster (Online, Caution or Suspended), as seen by this server.");
    for (const auto& v : servers) {
        const auto s = v.toObject();
        const QString state = str(s, "state");
        up.sample({{"server", str(s, "name")}},
                  state == QLatin1String("Online") || state == QLatin1String("Caution") ||
                      state == QLatin1String("Suspended"));
    }
    // Per server, its rows of `list` (heartbeat paths, NP resources): 1 when Normal.
    const auto rowsUp = [&](const char* name, const char* help, const char* list, const char* label) {
        Family f(&out, name, "gauge", help);
        for (const auto& v : servers)
            for (const auto& row : arr(v.toObject(), list))
                f.sample({{"server", str(v.toObject(), "name")}, {label, str(row.toObject(), "name")}},
                         str(row.toObject(), "state") == QLatin1String("Normal"));
    };
    rowsUp("lifeline_heartbeat_path_up", "1 when the heartbeat path to the server is Normal, as seen by this server.",
           "heartbeats", "path");
    rowsUp("lifeline_np_resource_up", "1 when the network partition resource is Normal, as seen by this server.",
           "np", "resource");
    Family owner(&out, "lifeline_group_owner", "gauge", "1 on the server the group is active on.");
    for (const auto& v : groups) {
        const auto g = v.toObject();
        for (const auto& s : servers) {
            const QString name = str(s.toObject(), "name");
            owner.sample({{"group", str(g, "name")}, {"server", name}}, str(g, "current") == name);
        }
    }
    Family groupState(&out, "lifeline_group_state", "gauge", "The group's state (1 on the current one).");
    for (const auto& v : groups)
        states(groupState, {{"group", str(v.toObject(), "name")}}, kGroupStates, str(v.toObject(), "state"));
    Family resourceState(&out, "lifeline_resource_state", "gauge",
                         "The group resource's state (1 on the current one).");
    for (const auto& v : groups)
        for (const auto& r : arr(v.toObject(), "resources"))
            states(resourceState,
                   {{"group", str(v.toObject(), "name")}, {"resource", str(r.toObject(), "name")}},
                   {"Online", "Offline", "Error", "Unknown"}, str(r.toObject(), "state"));
    // Every server's state of each monitor (lifelined's `servers` map; without it, this server's).
    Family monitorState(&out, "lifeline_monitor_state", "gauge",
                        "The monitor resource's state on the server (1 on the current one), as seen by this server.");
    for (const auto& v : arr(status, "monitors")) {
        const auto m = v.toObject();
        const auto perServer = m.value(QLatin1String("servers")).toObject();
        if (perServer.isEmpty())
            states(monitorState, {{"monitor", str(m, "name")}, {"server", local}}, kMonitorStates, str(m, "state"));
        for (const auto& s : servers) {
            const QString name = str(s.toObject(), "name");
            if (perServer.contains(name))
                states(monitorState, {{"monitor", str(m, "name")}, {"server", name}}, kMonitorStates,
                       perServer.value(name).toString());
        }
    }
    Family monitorFailovers(&out, "lifeline_monitor_failovers", "gauge",
                            "The monitor's failover counter on the server (reset by clpmonctrl -c).");
    for (const auto& v : arr(status, "monitors"))
        monitorFailovers.sample({{"monitor", str(v.toObject(), "name")}, {"server", local}},
                                v.toObject().value(QLatin1String("failovers")).toInteger());
    // The failovers this server's lifelined measured since it started (FailoverTimes).
    const auto failovers = status.value(QLatin1String("failovers")).toObject();
    if (failovers.isEmpty())
        return out; // an older lifelined: nothing counted
    Family total(&out, "lifeline_failovers_total", "counter",
                 "Group failovers measured by this server since its lifelined started (server loss: on the "
                 "server taking over; monitor error: on the server the group left).");
    total.sample({}, failovers.value(QLatin1String("count")).toInteger());
    const auto totals = arr(failovers, "totals");
    Family detection(&out, "lifeline_detection_seconds", "summary",
                     "Last heartbeat heard from the lost server until it was declared down.");
    for (const auto& v : totals) {
        const auto t = v.toObject();
        if (t.value(QLatin1String("detectionCount")).toInteger() == 0)
            continue;
        const Labels labels{{"group", str(t, "group")}, {"server", str(t, "to")}};
        detection.summary(labels, t.value(QLatin1String("detectionSeconds")).toDouble(),
                          t.value(QLatin1String("detectionCount")).toInteger());
    }
    Family takeover(&out, "lifeline_takeover_seconds", "summary",
                    "Server declared down (cause server) or monitor error (cause monitor) until the group "
                    "was Online on `server`.");
    for (const auto& v : totals) {
        const auto t = v.toObject();
        const Labels labels{{"group", str(t, "group")}, {"server", str(t, "to")}, {"cause", str(t, "cause")}};
        takeover.summary(labels, t.value(QLatin1String("takeoverSeconds")).toDouble(),
                         t.value(QLatin1String("count")).toInteger());
    }
    // The newest measurement per group, for alerting on one slow failover.
    QHash<QString, QJsonObject> last;
    for (const auto& v : arr(failovers, "recent"))
        last.insert(str(v.toObject(), "group"), v.toObject());
    QStringList names = last.keys();
    names.sort();
    const auto lastOf = [&](const char* name, const char* help, const char* key) {
        Family f(&out, name, "gauge", help);
        for (const auto& group : names) {
            const auto r = last.value(group);
            if (r.contains(QLatin1String(key)))
                f.seconds({{"group", group}, {"server", str(r, "to")}, {"cause", str(r, "cause")}},
                          r.value(QLatin1String(key)).toDouble());
        }
    };
    lastOf("lifeline_last_detection_seconds", "The detection time of the group's newest failover after a server loss.",
           "detectionSeconds");
    lastOf("lifeline_last_takeover_seconds", "The takeover time of the group's newest failover.", "takeoverSeconds");
    return out;
}

} // namespace lifeline::webmgr
