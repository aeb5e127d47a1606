#include "GroupPolicy.h"

#include <QSet>

#include <algorithm>

namespace lifeline::policy {

using config::ClusterConfig;
using config::Group;

QString groupStateName(GroupState s) {
    switch (s) {
    case GroupState::Offline: return QStringLiteral("offline");
    case GroupState::Online: return QStringLiteral("online");
    case GroupState::Pending: return QStringLiteral("pending");
    case GroupState::Error: return QStringLiteral("error");
    }
    return {};
}

bool parseGroupState(const QString& name, GroupState* out) {
    for (auto s : {GroupState::Offline, GroupState::Online, GroupState::Pending, GroupState::Error})
        if (groupStateName(s) == name) {
            *out = s;
            return true;
        }
    return false;
}

QString requestKindName(RequestKind k) {
    switch (k) {
    case RequestKind::Start: return QStringLiteral("start");
    case RequestKind::Stop: return QStringLiteral("stop");
    case RequestKind::Move: return QStringLiteral("move");
    case RequestKind::Clear: return QStringLiteral("clear");
    }
    return {};
}

bool parseRequestKind(const QString& name, RequestKind* out) {
    for (auto k : {RequestKind::Start, RequestKind::Stop, RequestKind::Move, RequestKind::Clear})
        if (requestKindName(k) == name) {
            *out = k;
            return true;
        }
    return false;
}

QString actionKindName(ActionKind k) {
    return k == ActionKind::Activate ? QStringLiteral("activate") : QStringLiteral("deactivate");
}

QString outcomeName(Outcome o) {
    switch (o) {
    case Outcome::Stay: return QStringLiteral("stay");
    case Outcome::Offline: return QStringLiteral("offline");
    case Outcome::Start: return QStringLiteral("start");
    case Outcome::Failover: return QStringLiteral("failover");
    case Outcome::Failback: return QStringLiteral("failback");
    case Outcome::Move: return QStringLiteral("move");
    case Outcome::Stop: return QStringLiteral("stop");
    case Outcome::Hold: return QStringLiteral("hold");
    case Outcome::FailedEverywhere: return QStringLiteral("failed-everywhere");
    case Outcome::NoServer: return QStringLiteral("no-server");
    }
    return {};
}

// ---- dependency waves -------------------------------------------------------

static int typeRank(const QString& type) {
    if (type == QLatin1String("fip") || type == QLatin1String("vip"))
        return 0;
    if (type == QLatin1String("volmgr"))
        return 1;
    if (type == QLatin1String("disk"))
        return 2;
    if (type == QLatin1String("exec"))
        return 4;
    return 3;
}

QList<QStringList> activationWaves(const ClusterConfig& config, const Group& group) {
    QStringList members;
    QHash<QString, int> rank;
    for (const auto& ref : group.resourceRefs) {
        const auto [refType, name] = config::splitResourceRef(ref);
        if (name.isEmpty() || members.contains(name))
            continue;
        const auto* r = config.resource(name);
        members << name;
        rank.insert(name, typeRank(r && !r->type.isEmpty() ? r->type : refType));
    }
    QHash<QString, QStringList> deps;
    for (const auto& name : members) {
        const auto* r = config.resource(name);
        QStringList d;
        if (r && !r->depends.isEmpty()) {
            for (const auto& dep : r->depends)
                if (dep != name && members.contains(dep) && !d.contains(dep))
                    d << dep;
        } else {
            for (const auto& other : members)
                if (rank.value(other) < rank.value(name))
                    d << other;
        }
        deps.insert(name, d);
    }
    // Longest-path layering: a resource's wave is one after its latest dependency.
    QHash<QString, int> level;
    bool progress = true;
    while (progress && level.size() < members.size()) {
        progress = false;
        for (const auto& name : members) {
            if (level.contains(name))
                continue;
            int l = 0;
            bool ready = true;
            for (const auto& dep : deps.value(name)) {
                if (!level.contains(dep)) {
                    ready = false;
                    break;
                }
                l = std::max(l, level.value(dep) + 1);
            }
            if (ready) {
                level.insert(name, l);
                progress = true;
            }
        }
    }
    QList<QStringList> waves;
    for (const auto& name : members) {
        if (!level.contains(name))
            continue;
        const int l = level.value(name);
        while (waves.size() <= l)
            waves.append(QStringList());
        waves[l] << name;
    }
    for (const auto& name : members) // dependency cycle: one at a time, after the rest
        if (!level.contains(name))
            waves.append(QStringList{name});
    return waves;
}

QList<QStringList> deactivationWaves(const ClusterConfig& config, const Group& group) {
    auto waves = activationWaves(config, group);
    std::reverse(waves.begin(), waves.end());
    return waves;
}

// ---- placement --------------------------------------------------------------

namespace {

struct Ctx {
    const ClusterConfig& config;
    const Group& group;
    GroupDecision& d;
    int nextWave = 1;

    void append(const QString& server, ActionKind kind) {
        const auto waves = kind == ActionKind::Activate ? activationWaves(config, group)
                                                        : deactivationWaves(config, group);
        for (const auto& wave : waves) {
            for (const auto& r : wave)
                d.actions.append({server, kind, r, nextWave});
            ++nextWave;
        }
    }
    // Deactivate on `from` (if any) fully, then activate on `to` (if any).
    void plan(const QString& from, const QString& to) {
        if (!from.isEmpty())
            append(from, ActionKind::Deactivate);
        if (!to.isEmpty())
            append(to, ActionKind::Activate);
        d.target = to;
    }
};

QString joined(const QStringList& l) { return l.join(QStringLiteral(", ")); }

} // namespace

static GroupDecision decideOne(const ClusterConfig& config, const Group& g,
                               const GroupPolicyInput& in, const OperatorRequest* req) {
    GroupDecision d;
    d.group = g.name;
    Ctx ctx{config, g, d};
    const GroupObservation obs = in.groups.value(g.name);
    const QStringList order = config.serversFor(g);
    const QString owner = obs.owner;
    const bool ownerDown = !owner.isEmpty() && in.down.contains(owner);
    const bool ownerEligible = !owner.isEmpty() && !ownerDown && in.eligible.contains(owner);
    const QString live = ownerEligible ? owner : QString();
    QSet<QString> failed(obs.failedOn.begin(), obs.failedOn.end());

    auto reject = [&](const QString& why) {
        d.rejected = QStringLiteral("%1 refused: %2").arg(requestKindName(req->kind), why);
        req = nullptr;
    };

    if (obs.state == GroupState::Pending) {
        d.target = owner;
        d.outcome = Outcome::Hold;
        d.reason = QStringLiteral("a transition is in progress; the next decision waits for it");
        if (req)
            reject(QStringLiteral("the group is busy"));
        return d;
    }
    if (!owner.isEmpty() && !ownerEligible && !ownerDown) {
        // Never two owners: its resources may still be active there.
        d.target = owner;
        d.outcome = Outcome::Hold;
        d.reason = QStringLiteral("owner %1 is not eligible but not known down either; no "
                                  "takeover until membership and partition resolution agree")
                       .arg(owner);
        if (req)
            reject(QStringLiteral("owner %1 is not reachable").arg(owner));
        return d;
    }

    // A server an operator names must be able to run the group now.
    auto usable = [&](const QString& s) -> QString {
        if (!order.contains(s))
            return QStringLiteral("%1 is not in the group's server list").arg(s);
        if (!in.eligible.contains(s) || in.down.contains(s))
            return QStringLiteral("%1 is not eligible").arg(s);
        return {};
    };

    if (req) {
        switch (req->kind) {
        case RequestKind::Stop:
            ctx.plan(live, QString());
            d.outcome = Outcome::Stop;
            d.clearFailures = true;
            d.reason = live.isEmpty() ? QStringLiteral("stopped by the operator (it was not running)")
                                      : QStringLiteral("stopped by the operator on %1").arg(live);
            return d;
        case RequestKind::Clear:
            failed.clear();
            d.clearFailures = true;
            break;
        case RequestKind::Start:
            if (!live.isEmpty()) {
                reject(QStringLiteral("already online on %1").arg(live));
                break;
            }
            if (!req->server.isEmpty()) {
                if (const auto why = usable(req->server); !why.isEmpty()) {
                    reject(why);
                    break;
                }
                ctx.plan(QString(), req->server);
                d.outcome = Outcome::Start;
                d.clearFailures = true;
                d.reason = QStringLiteral("started by the operator on %1").arg(req->server);
                return d;
            }
            failed.clear();
            d.clearFailures = true;
            break; // placed below like an automatic start, with failures forgotten
        case RequestKind::Move:
            if (req->server.isEmpty()) {
                reject(QStringLiteral("no destination server"));
                break;
            }
            if (const auto why = usable(req->server); !why.isEmpty()) {
                reject(why);
                break;
            }
            if (req->server == live) {
                reject(QStringLiteral("already online on %1").arg(live));
                break;
            }
            ctx.plan(live, req->server);
            d.outcome = Outcome::Move;
            d.clearFailures = true;
            d.reason = live.isEmpty()
                           ? QStringLiteral("moved by the operator to %1 (it was not running)").arg(req->server)
                           : QStringLiteral("moved by the operator from %1 to %2").arg(live, req->server);
            return d;
        }
    }
    const bool operatorStart = req && req->kind == RequestKind::Start;
    const bool cleared = req && req->kind == RequestKind::Clear;

    QStringList candidates, eligibleHere;
    for (const auto& s : order) {
        if (!in.eligible.contains(s) || in.down.contains(s))
            continue;
        eligibleHere << s;
        if (!failed.contains(s))
            candidates << s;
    }
    const QString failedEverywhere = QStringLiteral(
        "failed on every server that can run it (%1); it stays stopped until an operator "
        "clears, starts or moves it");

    if (!live.isEmpty() && obs.held && !cleared) {
        d.target = live;
        d.outcome = Outcome::Stay;
        d.reason = QStringLiteral("recovery on %1 ended with its final action; the group stays "
                                  "there until an operator clears, stops or moves it").arg(live);
        return d;
    }
    if (!live.isEmpty()) {
        const bool ownerFailed = failed.contains(live) || (obs.state == GroupState::Error && !cleared);
        if (!ownerFailed && obs.state != GroupState::Error) {
            const QString best = candidates.value(0);
            const auto idx = [&](const QString& s) {
                const auto i = order.indexOf(s);
                return i < 0 ? order.size() : i;
            };
            if (!best.isEmpty() && best != live && idx(best) < idx(live)) {
                if (g.autoFailback) {
                    ctx.plan(live, best);
                    d.outcome = Outcome::Failback;
                    d.reason = QStringLiteral("automatic failback from %1 to %2, earlier in the "
                                              "group's order").arg(live, best);
                    return d;
                }
                d.target = live;
                d.outcome = Outcome::Stay;
                d.reason = QStringLiteral("online on %1; %2 is earlier in the order but failback "
                                          "is manual").arg(live, best);
                return d;
            }
            d.target = live;
            d.outcome = Outcome::Stay;
            d.reason = QStringLiteral("online on %1").arg(live);
            return d;
        }
        // Activation failed on the owner (or a cleared error is retried).
        if (ownerFailed)
            candidates.removeAll(live);
        if (candidates.isEmpty()) {
            ctx.plan(live, QString());
            d.outcome = Outcome::FailedEverywhere;
            d.alert = true;
            d.reason = failedEverywhere.arg(joined(eligibleHere));
            return d;
        }
        ctx.plan(live, candidates.first());
        d.outcome = Outcome::Failover;
        d.reason = candidates.first() == live
                       ? QStringLiteral("retrying on %1 after the error was cleared").arg(live)
                       : QStringLiteral("activation failed on %1: failing over to %2").arg(live, candidates.first());
        return d;
    }

    // No live owner from here on.
    const bool stoppedInError = obs.state == GroupState::Error && !ownerDown;
    const bool lostRunning = !ownerDown && !obs.lostFrom.isEmpty() && obs.state == GroupState::Offline;
    const bool wantsRun = ownerDown || lostRunning || operatorStart || (stoppedInError && cleared) ||
                          (in.clusterStart && g.autoStart && obs.state == GroupState::Offline);
    if (stoppedInError && !wantsRun) {
        d.outcome = Outcome::FailedEverywhere;
        d.reason = failedEverywhere.arg(joined(obs.failedOn));
        return d;
    }
    if (!wantsRun) {
        d.outcome = Outcome::Offline;
        d.reason = in.clusterStart && !g.autoStart
                       ? QStringLiteral("manual startup: waits for an operator start")
                       : QStringLiteral("not running and nothing asks it to run");
        return d;
    }
    if (candidates.isEmpty()) {
        d.alert = true;
        if (!eligibleHere.isEmpty()) {
            d.outcome = Outcome::FailedEverywhere;
            d.reason = failedEverywhere.arg(joined(eligibleHere));
        } else {
            d.outcome = Outcome::NoServer;
            d.reason = ownerDown ? QStringLiteral("owner %1 is down and no other server that can "
                                                  "run it is eligible").arg(owner)
                                 : QStringLiteral("no server that can run it is eligible");
        }
        return d;
    }
    if (lostRunning && candidates.size() > 1 && candidates.first() == obs.lostFrom)
        candidates.move(0, 1); // a failover: the next server, as if its owner had stayed down
    ctx.plan(QString(), candidates.first());
    if (ownerDown) {
        d.outcome = Outcome::Failover;
        d.reason = QStringLiteral("owner %1 is down: failing over to %2").arg(owner, candidates.first());
    } else if (lostRunning) {
        d.outcome = Outcome::Failover;
        d.reason = QStringLiteral("%1 was lost while it held the group and came back without it: "
                                  "failing over to %2").arg(obs.lostFrom, candidates.first());
    } else if (operatorStart) {
        d.outcome = Outcome::Start;
        d.reason = QStringLiteral("started by the operator on %1").arg(candidates.first());
    } else if (cleared) {
        d.outcome = Outcome::Start;
        d.reason = QStringLiteral("failures cleared by the operator: starting on %1").arg(candidates.first());
    } else {
        d.outcome = Outcome::Start;
        d.reason = QStringLiteral("automatic startup on %1").arg(candidates.first());
    }
    return d;
}

QList<GroupDecision> decideGroups(const ClusterConfig& config, const GroupPolicyInput& input) {
    QHash<QString, const OperatorRequest*> lastRequest;
    for (const auto& r : input.requests)
        lastRequest.insert(r.group, &r);
    QList<GroupDecision> out;
    for (const auto& g : config.groups)
        out.append(decideOne(config, g, input, lastRequest.value(g.name, nullptr)));
    return out;
}

} // namespace lifeline::policy
