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
    void sample(const Labels& labels, qint64 value) {
        *out_ += name_;
        if (!labels.isEmpty()) {
            QByteArrayList parts;
            for (const auto& [k, v] : labels)
                parts << QByteArray(k) + "=\"" + Metrics::escape(v) + '"';
            *out_ += '{' + parts.join(',') + '}';
        }
        *out_ += ' ' + QByteArray::number(value) + '\n';
    }

private:
    QByteArray* out_;
    const char* name_;
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

qint64 Metrics::countFailovers(const QJsonObject& alertsResult) {
    qint64 n = 0;
    for (const auto& v : arr(alertsResult, "alerts"))
        if (v.toObject().value(QLatin1String("id")).toInt() == kFailoverAlert)
            ++n;
    return n;
}

QByteArray Metrics::render(const QJsonObject& status, qint64 failovers) {
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
    // lifelined reports the monitors it runs: their state on this server only.
    Family monitorState(&out, "lifeline_monitor_state", "gauge",
                        "The monitor resource's state on the server (1 on the current one).");
    for (const auto& v : arr(status, "monitors"))
        states(monitorState, {{"monitor", str(v.toObject(), "name")}, {"server", local}}, kMonitorStates,
               str(v.toObject(), "state"));
    Family monitorFailovers(&out, "lifeline_monitor_failovers", "gauge",
                            "The monitor's failover counter on the server (reset by clpmonctrl -c).");
    for (const auto& v : arr(status, "monitors"))
        monitorFailovers.sample({{"monitor", str(v.toObject(), "name")}, {"server", local}},
                                v.toObject().value(QLatin1String("failovers")).toInteger());
    if (failovers >= 0) {
        Family total(&out, "lifeline_failovers_total", "counter",
                     "Group failovers (alert 503) in the cluster's alert log.");
        total.sample({}, failovers);
    }
    return out;
}

} // namespace lifeline::webmgr
