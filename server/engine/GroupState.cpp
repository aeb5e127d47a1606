#include "GroupState.h"

#include <QJsonArray>

namespace lifeline::engine {

using policy::GroupState;

QString LocalGroup::displayState() const {
    switch (state) {
    case GroupState::Online: return QStringLiteral("Online");
    case GroupState::Offline: return QStringLiteral("Offline");
    case GroupState::Error: return QStringLiteral("Error");
    case GroupState::Pending:
        return pendingKind == policy::ActionKind::Activate ? QStringLiteral("Online Pending")
                                                            : QStringLiteral("Offline Pending");
    }
    return QStringLiteral("Unknown");
}

QJsonObject GroupTable::toJson() const {
    QJsonObject groupsJson;
    for (auto it = groups.begin(); it != groups.end(); ++it) {
        QJsonObject res;
        for (auto r = it->resources.begin(); r != it->resources.end(); ++r)
            res.insert(r.key(), QJsonObject{{"state", resources::resourceStateName(r->state)},
                                            {"reason", r->reason}});
        groupsJson.insert(it.key(), QJsonObject{{"state", policy::groupStateName(it->state)},
                                                {"pending", policy::actionKindName(it->pendingKind)},
                                                {"stuck", it->stuck},
                                                {"held", it->held},
                                                {"reason", it->reason},
                                                {"resources", res}});
    }
    QJsonObject countersJson;
    for (auto it = monitorCounters.begin(); it != monitorCounters.end(); ++it)
        countersJson.insert(it.key(), QJsonObject{{"reactivations", it->reactivations}, {"failovers", it->failovers}});
    // 64-bit numbers travel as strings: JSON doubles lose their low bits.
    return {{"incarnation", QString::number(incarnation)},
            {"sequence", QString::number(sequence)},
            {"stopping", stopping},
            {"clusterStarted", clusterStarted},
            {"groups", groupsJson},
            {"monitorCounters", countersJson}};
}

static resources::ResourceState parseResourceState(const QString& s) {
    for (auto st : {resources::ResourceState::Offline, resources::ResourceState::Online,
                    resources::ResourceState::Error})
        if (resources::resourceStateName(st) == s)
            return st;
    return resources::ResourceState::Unknown;
}

GroupTable GroupTable::fromJson(const QJsonObject& json) {
    GroupTable t;
    t.incarnation = json.value("incarnation").toString().toULongLong();
    t.sequence = json.value("sequence").toString().toULongLong();
    t.stopping = json.value("stopping").toBool();
    t.clusterStarted = json.value("clusterStarted").toBool();
    const auto groupsJson = json.value("groups").toObject();
    for (auto it = groupsJson.begin(); it != groupsJson.end(); ++it) {
        const auto g = it.value().toObject();
        LocalGroup lg;
        if (!policy::parseGroupState(g.value("state").toString(), &lg.state))
            lg.state = GroupState::Pending; // unknown words: assume it is busy, never free
        lg.pendingKind = g.value("pending").toString() == QLatin1String("deactivate")
                             ? policy::ActionKind::Deactivate
                             : policy::ActionKind::Activate;
        lg.stuck = g.value("stuck").toBool();
        lg.held = g.value("held").toBool();
        lg.reason = g.value("reason").toString();
        const auto res = g.value("resources").toObject();
        for (auto r = res.begin(); r != res.end(); ++r) {
            const auto o = r.value().toObject();
            lg.resources.insert(r.key(), {parseResourceState(o.value("state").toString()),
                                          o.value("reason").toString()});
        }
        t.groups.insert(it.key(), lg);
    }
    const auto countersJson = json.value("monitorCounters").toObject();
    for (auto it = countersJson.begin(); it != countersJson.end(); ++it) {
        const auto o = it.value().toObject();
        t.monitorCounters.insert(it.key(), {o.value("reactivations").toInt(), o.value("failovers").toInt()});
    }
    return t;
}

} // namespace lifeline::engine
