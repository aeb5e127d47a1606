#include "GroupExecutor.h"

#include "RecoveryPolicy.h"

#include <QJsonArray>
#include <QMetaObject>
#include <QTimer>

namespace lifeline::engine {

using policy::ActionKind;
using policy::GroupState;
using resources::ResourceState;

// ---- wire forms ---------------------------------------------------------------

QJsonObject RunRequest::toJson() const {
    return {{"group", group},
            {"kind", policy::actionKindName(kind)},
            {"event", resources::resourceEventName(event)},
            {"only", QJsonArray::fromStringList(only)},
            {"serversFailed", serversFailed}};
}

bool RunRequest::fromJson(const QJsonObject& json, RunRequest* out, QString* error) {
    RunRequest r;
    r.group = json.value("group").toString();
    const QString kind = json.value("kind").toString();
    if (kind != QLatin1String("activate") && kind != QLatin1String("deactivate")) {
        *error = QStringLiteral("kind must be activate or deactivate, not \"%1\"").arg(kind);
        return false;
    }
    r.kind = kind == QLatin1String("activate") ? ActionKind::Activate : ActionKind::Deactivate;
    const QString event = json.value("event").toString();
    bool known = false;
    for (auto e : {resources::ResourceEvent::Start, resources::ResourceEvent::Failover,
                   resources::ResourceEvent::Recover, resources::ResourceEvent::Stop})
        if (resources::resourceEventName(e) == event) {
            r.event = e;
            known = true;
        }
    if (!known) {
        *error = QStringLiteral("unknown event \"%1\"").arg(event);
        return false;
    }
    for (const auto& v : json.value("only").toArray())
        r.only << v.toString();
    r.serversFailed = json.value("serversFailed").toInt();
    *out = r;
    return true;
}

QString outcomeName(RunResult::Outcome outcome) {
    switch (outcome) {
    case RunResult::Outcome::Done: return QStringLiteral("done");
    case RunResult::Outcome::Failover: return QStringLiteral("failover");
    case RunResult::Outcome::FinalAction: return QStringLiteral("final-action");
    case RunResult::Outcome::Refused: return QStringLiteral("refused");
    }
    return {};
}

QJsonObject RunResult::toJson() const {
    return {{"outcome", outcomeName(outcome)}, {"resource", resource}, {"reason", reason}};
}

RunResult RunResult::fromJson(const QJsonObject& json) {
    RunResult r;
    r.outcome = Outcome::Refused;
    const QString name = json.value("outcome").toString();
    for (auto o : {Outcome::Done, Outcome::Failover, Outcome::FinalAction, Outcome::Refused})
        if (outcomeName(o) == name)
            r.outcome = o;
    r.resource = json.value("resource").toString();
    r.reason = json.value("reason").toString();
    return r;
}

// ---- execution ------------------------------------------------------------------

struct GroupExecutor::Run {
    RunRequest request;
    Done done;
    QList<QStringList> waves;
    int wave = -1;
    int outstanding = 0;
    // The first failure of the current wave, and what its recovery settings say.
    QString failedResource;
    QString failedReason;
    policy::RecoveryStep step = policy::RecoveryStep::Retry;
    QStringList skipped;               // failed, final action "activate the next resource"
    std::optional<RunResult> reported; // what to report once a "stop group" has run
};

GroupExecutor::GroupExecutor(config::Paths paths, QString local, const config::ClusterConfig& config,
                             quint64 incarnation, QObject* parent)
    : QObject(parent), paths_(std::move(paths)), local_(std::move(local)), config_(config) {
    table_.incarnation = incarnation;
    for (const auto& g : config_.groups) {
        if (!config_.serversFor(g).contains(local_))
            continue;
        LocalGroup lg;
        for (const auto& ref : g.resourceRefs)
            lg.resources.insert(config::splitResourceRef(ref).second, ResourceStatus{});
        table_.groups.insert(g.name, lg);
    }
}

GroupExecutor::~GroupExecutor() = default;

resources::ResourceDriver* GroupExecutor::driver(const QString& group, const QString& resource,
                                                 QString* error) {
    if (auto it = drivers_.find(resource); it != drivers_.end())
        return it->get();
    const auto* r = config_.resource(resource);
    const auto* g = config_.group(group);
    if (!r || !g) {
        *error = QStringLiteral("resource %1 is not in the configuration").arg(resource);
        return nullptr;
    }
    resources::ResourceContext context;
    context.paths = paths_;
    context.localServer = local_;
    context.group = group;
    context.resource = *r;
    context.config = &config_;
    context.homeServer = config_.serversFor(*g).value(0);
    auto made = resources::createResourceDriver(context, error);
    if (!made)
        return nullptr;
    auto* raw = made.get();
    drivers_.insert(resource, std::shared_ptr<resources::ResourceDriver>(std::move(made)));
    return raw;
}

resources::ResourceDriver* GroupExecutor::resourceDriver(const QString& resource) {
    for (auto g = table_.groups.begin(); g != table_.groups.end(); ++g)
        if (g->resources.contains(resource)) {
            QString error;
            return driver(g.key(), resource, &error);
        }
    return nullptr;
}

QSet<QString> GroupExecutor::onlineResources() const {
    QSet<QString> out;
    for (const auto& g : table_.groups)
        for (auto r = g.resources.begin(); r != g.resources.end(); ++r)
            if (r->state == ResourceState::Online)
                out.insert(r.key());
    return out;
}

void GroupExecutor::observeAll() {
    for (const auto& group : table_.groups.keys())
        observeGroup(group);
    bump();
}

void GroupExecutor::observeGroup(const QString& group) {
    auto g = table_.groups.find(group);
    for (auto r = g->resources.begin(); r != g->resources.end(); ++r) {
        QString error;
        auto* d = driver(g.key(), r.key(), &error);
        if (!d) {
            r->state = ResourceState::Offline;
            continue;
        }
        QString reason;
        const auto seen = d->observe(&reason);
        // Only "active here" counts at start: anything else is released or
        // protected, and the first activation tells the rest.
        r->state = seen == ResourceState::Online ? ResourceState::Online : ResourceState::Offline;
        if (r->state != ResourceState::Online && !d->protectInactive(&error))
            emit alert(AlertType::Warning, QStringLiteral("rsc"), alert::ResourceDeactivationFailed,
                       QStringLiteral("Cannot protect inactive resource %1: %2").arg(r.key(), error));
    }
    refreshGroupState(g.key());
}

void GroupExecutor::reloadConfig(const QStringList& changed) {
    auto idle = [this](const QString& group) {
        return !table_.groups.value(group).active() && !running_.contains(group);
    };
    auto dropDrivers = [this](const LocalGroup& g) {
        for (auto r = g.resources.begin(); r != g.resources.end(); ++r)
            drivers_.remove(r.key());
    };
    bool any = false;
    // Groups gone from the configuration, or no longer for this server.
    for (const auto& name : table_.groups.keys()) {
        const auto* g = config_.group(name);
        if ((g && config_.serversFor(*g).contains(local_)) || !idle(name))
            continue;
        dropDrivers(table_.groups.take(name));
        any = true;
    }
    for (const auto& g : config_.groups) {
        if (!config_.serversFor(g).contains(local_))
            continue;
        const bool known = table_.groups.contains(g.name);
        if (known && (!changed.contains(g.name) || !idle(g.name)))
            continue;
        if (known)
            dropDrivers(table_.groups.value(g.name));
        LocalGroup lg;
        for (const auto& ref : g.resourceRefs)
            lg.resources.insert(config::splitResourceRef(ref).second, ResourceStatus{});
        table_.groups.insert(g.name, lg);
        observeGroup(g.name);
        any = true;
    }
    if (any)
        bump();
}

void GroupExecutor::setResource(const QString& group, const QString& resource, ResourceState state,
                                const QString& reason) {
    auto& r = table_.groups[group].resources[resource];
    r.state = state;
    r.reason = reason;
}

void GroupExecutor::refreshGroupState(const QString& group) {
    auto& g = table_.groups[group];
    bool anyOnline = false, anyError = false;
    for (const auto& r : g.resources) {
        anyOnline |= r.state == ResourceState::Online;
        anyError |= r.state == ResourceState::Error || r.state == ResourceState::Unknown;
    }
    if (running_.contains(group))
        g.state = GroupState::Pending;
    else if (anyError || g.stuck)
        g.state = GroupState::Error;
    else
        g.state = anyOnline ? GroupState::Online : GroupState::Offline;
    if (g.state == GroupState::Offline)
        g.held = false; // stopped: nothing left to hold
}

void GroupExecutor::bump() {
    ++table_.sequence;
    emit tableChanged();
}

void GroupExecutor::setStopping(bool stopping) {
    if (table_.stopping == stopping)
        return;
    table_.stopping = stopping;
    bump();
}

void GroupExecutor::setClusterStarted(bool started) {
    if (table_.clusterStarted == started)
        return;
    table_.clusterStarted = started;
    bump();
}

void GroupExecutor::setMonitorCounters(const QString& monitor, const policy::MonitorCounters& counters) {
    if (table_.monitorCounters.value(monitor) == counters)
        return;
    if (counters.any())
        table_.monitorCounters.insert(monitor, counters);
    else
        table_.monitorCounters.remove(monitor);
    bump();
}

void GroupExecutor::clearMarks(const QString& group) {
    auto it = table_.groups.find(group);
    if (it == table_.groups.end() || (!it->held && !it->stuck))
        return;
    it->held = false;
    it->stuck = false;
    refreshGroupState(group);
    bump();
}

void GroupExecutor::run(const RunRequest& request, Done done) {
    auto refuse = [&](const QString& why) {
        RunResult r;
        r.outcome = RunResult::Outcome::Refused;
        r.reason = why;
        done(r);
    };
    const auto* group = config_.group(request.group);
    if (!group || !table_.groups.contains(request.group))
        return refuse(QStringLiteral("server %1 cannot run group %2").arg(local_, request.group));
    if (running_.contains(request.group))
        return refuse(QStringLiteral("group %1 is busy on %2").arg(request.group, local_));
    if (request.kind == ActionKind::Activate && heldElsewhere_) {
        if (const QString other = heldElsewhere_(request.group); !other.isEmpty())
            return refuse(QStringLiteral("group %1 is still active on %2").arg(request.group, other));
    }
    auto run = std::make_shared<Run>();
    run->request = request;
    run->done = std::move(done);
    const auto& lg = table_.groups[request.group];
    const auto waves = request.kind == ActionKind::Activate ? policy::activationWaves(config_, *group)
                                                            : policy::deactivationWaves(config_, *group);
    for (const auto& wave : waves) {
        QStringList kept;
        for (const auto& r : wave) {
            if (!request.only.isEmpty() && !request.only.contains(r))
                continue;
            const auto state = lg.resources.value(r).state;
            // Idempotent: what is already in the requested state is left alone.
            if (request.kind == ActionKind::Activate ? state == ResourceState::Online
                                                     : state == ResourceState::Offline)
                continue;
            kept << r;
        }
        if (!kept.isEmpty())
            run->waves << kept;
    }
    running_.insert(request.group, run);
    auto& g = table_.groups[request.group];
    g.pendingKind = request.kind;
    g.reason.clear();
    refreshGroupState(request.group);
    bump();
    startWave(run);
}

void GroupExecutor::startWave(const std::shared_ptr<Run>& run) {
    ++run->wave;
    if (run->wave >= run->waves.size()) {
        RunResult result;
        if (run->reported) {
            result = *run->reported;
        } else if (!run->skipped.isEmpty()) {
            result.outcome = RunResult::Outcome::FinalAction;
            result.resource = run->skipped.first();
            result.reason = QStringLiteral("%1 failed to activate; the others were activated (final "
                                           "action: no operation)").arg(run->skipped.join(QStringLiteral(", ")));
        }
        finish(run, result);
        return;
    }
    const QStringList wave = run->waves[run->wave];
    run->outstanding = int(wave.size());
    for (const auto& r : wave)
        attempt(run, r, 1);
}

void GroupExecutor::attempt(const std::shared_ptr<Run>& run, const QString& resource, int attempts) {
    QString error;
    auto* d = driver(run->request.group, resource, &error);
    if (!d) {
        resourceFinished(run, resource, attempts, false, error);
        return;
    }
    const auto* r = config_.resource(resource);
    const bool activate = run->request.kind == ActionKind::Activate;
    // Reported once: by the driver, or by the engine's own limit (act/timeout,
    // deact/timeout) if a driver never answers. Queued, so that a driver that
    // answers at once does not re-enter this function.
    auto finished = std::make_shared<bool>(false);
    auto report = [this, run, resource, attempts, finished](bool ok, const QString& reason) {
        if (*finished)
            return;
        *finished = true;
        QMetaObject::invokeMethod(this, [=, this] { resourceFinished(run, resource, attempts, ok, reason); },
                                  Qt::QueuedConnection);
    };
    const int limitMs = activate ? r->actTimeoutMs : r->deactTimeoutMs;
    QTimer::singleShot(limitMs, this, [report, resource, limitMs, activate] {
        report(false, QStringLiteral("%1 did not %2 within %3 s")
                          .arg(resource, activate ? QStringLiteral("activate") : QStringLiteral("deactivate"))
                          .arg(limitMs / 1000.0));
    });
    if (activate)
        d->activate(run->request.event, report);
    else
        d->deactivate(run->request.event, report);
}

void GroupExecutor::resourceFinished(const std::shared_ptr<Run>& run, const QString& resource,
                                     int attempts, bool ok, const QString& reason) {
    const bool activate = run->request.kind == ActionKind::Activate;
    const QString& group = run->request.group;
    if (ok) {
        setResource(group, resource, activate ? ResourceState::Online : ResourceState::Offline, {});
    } else {
        const auto* r = config_.resource(resource);
        const auto step = activate ? policy::afterActivationFailure(*r, attempts, run->request.serversFailed + 1)
                                   : policy::afterDeactivationFailure(*r, attempts);
        const QString what = activate ? QStringLiteral("activate") : QStringLiteral("deactivate");
        emit alert(step == policy::RecoveryStep::Retry ? AlertType::Warning : AlertType::Error,
                   QStringLiteral("rsc"),
                   activate ? alert::ResourceActivationFailed : alert::ResourceDeactivationFailed,
                   QStringLiteral("Failed to %1 resource %2 of group %3 on %4 (attempt %5): %6%7")
                       .arg(what, resource, group, local_)
                       .arg(attempts)
                       .arg(reason, step == policy::RecoveryStep::Retry ? QStringLiteral("; retrying")
                                                                        : QString()));
        if (step == policy::RecoveryStep::Retry) {
            attempt(run, resource, attempts + 1);
            return;
        }
        setResource(group, resource, ResourceState::Error, reason);
        if (run->failedResource.isEmpty()) {
            run->failedResource = resource;
            run->failedReason = reason;
            run->step = step;
        }
    }
    refreshGroupState(group);
    bump();
    if (--run->outstanding == 0)
        waveFinished(run);
}

void GroupExecutor::waveFinished(const std::shared_ptr<Run>& run) {
    if (run->failedResource.isEmpty()) {
        startWave(run);
        return;
    }
    const QString resource = run->failedResource;
    const QString reason = run->failedReason;
    run->failedResource.clear();
    const auto* r = config_.resource(resource);
    const QString& group = run->request.group;
    if (run->request.kind == ActionKind::Deactivate) {
        // Never released: nobody may take the group over while it is held here.
        table_.groups[group].stuck = true;
        table_.groups[group].reason = reason;
        applyFinalAction(run, resource, r->deactAction, reason);
        finish(run, {RunResult::Outcome::FinalAction, resource, reason});
        return;
    }
    if (run->step == policy::RecoveryStep::Failover) {
        finish(run, {RunResult::Outcome::Failover, resource, reason});
        return;
    }
    table_.groups[group].held = true;
    table_.groups[group].reason = reason;
    applyFinalAction(run, resource, r->actAction, reason);
    const auto code = config::FinalAction(r->actAction);
    if (code == config::FinalAction::NoOperation) {
        run->skipped << resource;
        startWave(run); // "activate the next resource"
    } else if (code == config::FinalAction::StopGroup) {
        // Stop the group here, then report the failure.
        run->reported = RunResult{RunResult::Outcome::FinalAction, resource, reason};
        run->request.kind = ActionKind::Deactivate;
        run->request.event = resources::ResourceEvent::Stop;
        run->request.only.clear();
        run->waves = policy::deactivationWaves(config_, *config_.group(group));
        run->wave = -1;
        table_.groups[group].pendingKind = ActionKind::Deactivate;
        table_.groups[group].held = false;
        startWave(run);
    } else {
        finish(run, {RunResult::Outcome::FinalAction, resource, reason});
    }
}

void GroupExecutor::applyFinalAction(const std::shared_ptr<Run>& run, const QString& resource, int code,
                                     const QString& reason) {
    emit alert(AlertType::Error, QStringLiteral("rsc"), alert::ResourceFinalAction,
               QStringLiteral("Final action \"%1\" for resource %2 of group %3 on %4.")
                   .arg(config::finalActionName(code), resource, run->request.group, local_));
    switch (config::FinalAction(code)) {
    case config::FinalAction::StopClusterService:
    case config::FinalAction::StopClusterServiceAndShutdown:
    case config::FinalAction::StopClusterServiceAndReboot:
    case config::FinalAction::SysrqPanic:
    case config::FinalAction::KeepaliveReset:
    case config::FinalAction::KeepalivePanic:
        emit serverFinalAction(code, QStringLiteral("resource %1 of group %2 failed: %3")
                                         .arg(resource, run->request.group, reason));
        break;
    default: break; // no operation, stop group: the run itself does it
    }
}

void GroupExecutor::finish(const std::shared_ptr<Run>& run, RunResult result) {
    const QString group = run->request.group;
    running_.remove(group);
    if (!result.ok() && table_.groups[group].reason.isEmpty())
        table_.groups[group].reason = result.reason;
    refreshGroupState(group);
    bump();
    run->done(result);
}

void GroupExecutor::releaseAll(resources::ResourceEvent event, std::function<void(bool ok)> done) {
    QStringList order;
    for (const auto& g : config_.groups)
        if (table_.groups.contains(g.name))
            order.prepend(g.name); // last configured first
    // One group after the other. The step holds itself only weakly: what waits
    // for it (a run's callback, a timer) keeps it alive, and nothing else.
    using Step = std::function<void(QStringList, bool)>;
    auto first = std::make_shared<Step>();
    *first = [this, event, done, weakStep = std::weak_ptr<Step>(first)](QStringList left, bool allOk) {
        auto next = weakStep.lock();
        while (!left.isEmpty() && !table_.groups.value(left.first()).active() && !busy(left.first()))
            left.removeFirst();
        if (left.isEmpty()) {
            done(allOk);
            return;
        }
        const QString group = left.first();
        if (busy(group)) { // a transition is running: release it once it is over
            QTimer::singleShot(50, this, [next, left, allOk] { (*next)(left, allOk); });
            return;
        }
        RunRequest request;
        request.group = group;
        request.kind = ActionKind::Deactivate;
        request.event = event;
        run(request, [this, next, left, allOk, group](const RunResult& result) {
            if (result.ok())
                emit alert(AlertType::Info, QStringLiteral("group"), alert::GroupStopped,
                           QStringLiteral("Group %1 stopped on %2 (its cluster service is stopping).")
                               .arg(group, local_));
            QStringList rest = left;
            rest.removeFirst();
            (*next)(rest, allOk && result.ok());
        });
    };
    (*first)(order, true);
}

} // namespace lifeline::engine
