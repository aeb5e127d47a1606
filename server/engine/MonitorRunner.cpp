#include "MonitorRunner.h"

#include "MultiTargetMonitor.h"

#include <QDateTime>
#include <QJsonObject>

#include <optional>

namespace lifeline::engine {

using monitors::CheckResult;

namespace {
// A recovery that never reports its end (a failover nobody could take) stops
// holding the monitor back after this long: it watches, and escalates, again.
constexpr qint64 kRecoveryLimitMs = 60000;
} // namespace

struct MonitorRunner::Entry {
    config::Monitor monitor;
    std::unique_ptr<monitors::MonitorDriver> driver;
    QString driverError;
    QTimer interval;
    QTimer deadline;
    bool checking = false;
    int checkId = 0;       // answers of an abandoned check are ignored
    QElapsedTimer checkStarted;
    bool suspended = false;
    bool runsHere = true; // the monitor's servers include this one
    bool busyReported = false;
    QString state = QStringLiteral("Offline");
    QString detail;
    int failures = 0;      // consecutive failed checks
    int timeouts = 0;      // checks that timed out since the start
    QString lastError;     // the last error text, kept after the monitor is Normal again
    QDateTime lastErrorAt;
    policy::MonitorCounters counters;
    // A recovery step is under way: no checks (their failures would escalate again)
    // until it is done, the target left (failover), or kRecoveryLimitMs passed.
    std::optional<policy::MonitorStep> recovering;
    bool finalActionDone = false; // once per error episode: again only after the counters reset
    bool noRecoveryReported = false; // "no recovery" said once per error episode
    QElapsedTimer recoveringSince;
    QElapsedTimer normalSince; // monotonic; counters reset after interval x (retry + 1) of Normal
};

MonitorRunner::MonitorRunner(config::Paths paths, QString local, const config::ClusterConfig& config,
                             ResourceLookup resources, QObject* parent)
    : QObject(parent), paths_(std::move(paths)), local_(std::move(local)), config_(config),
      resources_(std::move(resources)) {
    // mtw reads the other monitors' states here (one runner per lifelined).
    monitors::MultiTargetMonitor::setStateLookup([this](const QString& name) { return stateOf(name); });
    for (const auto& m : config_.monitors)
        entries_ << makeEntry(m);
}

std::shared_ptr<MonitorRunner::Entry> MonitorRunner::makeEntry(const config::Monitor& m) {
    auto e = std::make_shared<Entry>();
    e->monitor = m;
    e->runsHere = m.runsOn(local_);
    monitors::MonitorContext context;
    context.paths = paths_;
    context.localServer = local_;
    context.monitor = m;
    context.config = &config_;
    context.resource = resources_;
    context.timeoutRatio = [this] { return timeoutRatio_; };
    e->driver = monitors::createMonitorDriver(context, &e->driverError);
    Entry* raw = e.get();
    e->interval.setTimerType(Qt::PreciseTimer);
    e->deadline.setSingleShot(true);
    e->deadline.setTimerType(Qt::PreciseTimer);
    connect(&e->interval, &QTimer::timeout, this, [this, raw] { tick(*raw); });
    connect(&e->deadline, &QTimer::timeout, this, [this, raw] {
        if (!raw->checking)
            return;
        raw->driver->cancel();
        raw->checking = false;
        ++raw->checkId;
        ++raw->timeouts;
        const double seconds = raw->driver->context().timeoutMs() / 1000.0;
        emit alert(AlertType::Warning, QStringLiteral("mon"), alert::MonitorTimedOut,
                   QStringLiteral("Monitor %1: the check timed out after %2 s.").arg(raw->monitor.name).arg(seconds));
        finished(*raw, CheckResult::Error, QStringLiteral("the check timed out after %1 s").arg(seconds),
                 /*timedOut=*/true);
    });
    if (e->driver)
        connect(e->driver.get(), &monitors::MonitorDriver::checkNow, this, [this, raw] {
            if (started_ && !raw->checking)
                tick(*raw);
        });
    return e;
}

MonitorRunner::~MonitorRunner() { stop(); }

void MonitorRunner::start() {
    if (started_)
        return;
    started_ = true;
    for (auto& e : entries_)
        startEntry(*e);
}

void MonitorRunner::startEntry(Entry& e) {
    e.failures = 0;
    if (!e.driver) {
        setState(e, QStringLiteral("Unknown"), e.driverError);
        return;
    }
    if (!e.runsHere) {
        setState(e, QStringLiteral("Offline"),
                 QStringLiteral("runs on %1 only").arg(e.monitor.servers.join(QStringLiteral(", "))));
        return;
    }
    if (const QString option = monitors::requiredOption(e.monitor.type); !option.isEmpty() && optionCheck_) {
        if (const QString refusal = optionCheck_(option); !refusal.isEmpty()) {
            setState(e, QStringLiteral("Error"), refusal);
            return;
        }
    }
    setState(e, e.suspended ? QStringLiteral("Suspended") : QStringLiteral("Offline"), {});
    e.interval.start(std::max(50, e.monitor.intervalMs));
    // The first check after the wait time (at least right away, on the event loop); the
    // entry's own timer is the context, so a monitor removed meanwhile is not checked.
    Entry* raw = &e;
    QTimer::singleShot(e.monitor.firstWaitMs, &e.interval, [this, raw] {
        if (started_)
            tick(*raw);
    });
}

void MonitorRunner::stopEntry(Entry& e) {
    e.interval.stop();
    e.deadline.stop();
    if (e.checking && e.driver)
        e.driver->cancel();
    e.checking = false;
    ++e.checkId;
}

void MonitorRunner::reloadConfig(const QStringList& changed) {
    QList<std::shared_ptr<Entry>> next;
    for (const auto& m : config_.monitors) {
        Entry* old = find(m.name, nullptr);
        if (old && !changed.contains(m.name)) {
            old->monitor = m; // what no change needs a restart for (its comment)
            for (auto& e : entries_)
                if (e.get() == old)
                    next << e;
            continue;
        }
        auto e = makeEntry(m);
        if (old) {
            e->suspended = old->suspended; // clpmonctrl -s is the operator's, not the file's
            stopEntry(*old);
        }
        if (started_)
            startEntry(*e);
        next << e;
    }
    for (auto& e : entries_)
        if (!next.contains(e))
            stopEntry(*e); // removed from the configuration
    entries_ = next;
}

QStringList MonitorRunner::suspendedMonitors() const {
    QStringList out;
    for (const auto& e : entries_)
        if (e->suspended)
            out << e->monitor.name;
    return out;
}

void MonitorRunner::stop() {
    started_ = false;
    for (auto& e : entries_) {
        e->interval.stop();
        e->deadline.stop();
        if (e->checking && e->driver)
            e->driver->cancel();
        e->checking = false;
        ++e->checkId;
        if (e->driver)
            e->state = QStringLiteral("Offline");
    }
}

void MonitorRunner::setActiveResources(const QSet<QString>& active) { active_ = active; }

bool MonitorRunner::running(const Entry& e) const {
    return !e.monitor.monitorsWhileActive() || active_.contains(e.monitor.target);
}

void MonitorRunner::tick(Entry& e) {
    if (!started_ || !e.driver || !e.runsHere)
        return;
    if (e.suspended) {
        setState(e, QStringLiteral("Suspended"), {});
        return;
    }
    if (e.recovering) {
        const bool left = *e.recovering == policy::MonitorStep::Failover && !recoveryTargetActive(e.monitor);
        if (!left && e.recoveringSince.elapsed() < std::max<qint64>(kRecoveryLimitMs, 2 * e.monitor.timeoutMs))
            return;
        e.recovering.reset();
    }
    if (!running(e)) {
        // Its target is not active here: nothing to watch (and nothing failed).
        e.failures = 0;
        setState(e, QStringLiteral("Offline"), {});
        return;
    }
    if (e.checking) {
        if (!e.busyReported)
            emit alert(AlertType::Warning, QStringLiteral("mon"), alert::MonitorBusy,
                       QStringLiteral("Monitor %1: the previous check is still running; this one is "
                                      "skipped.").arg(e.monitor.name));
        e.busyReported = true;
        return;
    }
    e.checking = true;
    const int id = ++e.checkId;
    e.checkStarted.start();
    e.deadline.start(std::max(50, e.driver->context().timeoutMs()));
    e.driver->check([this, &e, id](CheckResult result, const QString& detail) {
        if (id != e.checkId || !e.checking)
            return; // abandoned (timed out, stopped)
        e.checking = false;
        e.busyReported = false;
        e.deadline.stop();
        finished(e, result, detail);
    });
}

void MonitorRunner::finished(Entry& e, CheckResult result, const QString& detail, bool timedOut) {
    if (!started_ || e.suspended)
        return;
    if (result == CheckResult::Normal) {
        e.failures = 0;
        if (e.state != QLatin1String("Normal"))
            e.normalSince.start();
        setState(e, QStringLiteral("Normal"), {});
        // Counters start again after a full interval x (retry + 1) of Normal.
        const qint64 calm = qint64(e.monitor.intervalMs) * (e.monitor.retry + 1);
        if ((e.counters.any() || e.finalActionDone) && e.normalSince.isValid() && e.normalSince.elapsed() >= calm)
            setCounters(e, {});
        return;
    }
    if (result == CheckResult::Warning) {
        e.failures = 0;
        setState(e, QStringLiteral("Warning"), detail);
        return;
    }
    e.normalSince.invalidate();
    // polling/reconfirmation more failures first, unless a timeout counts at once.
    const bool atOnce = timedOut && e.monitor.timeoutNoRetry;
    if (!atOnce && ++e.failures <= e.monitor.retry)
        return;
    e.failures = 0;
    e.lastError = detail;
    e.lastErrorAt = QDateTime::currentDateTime();
    setState(e, QStringLiteral("Error"), detail);
    escalate(e, detail, timedOut);
}

bool MonitorRunner::recoveryTargetActive(const config::Monitor& m) const {
    if (m.relationType == QLatin1String("rsc"))
        return active_.contains(m.relationName);
    if (m.relationType == QLatin1String("grp")) {
        const auto* group = config_.group(m.relationName);
        if (!group)
            return false;
        for (const auto& ref : group->resourceRefs)
            if (active_.contains(config::splitResourceRef(ref).second))
                return true;
        return false;
    }
    return true; // LocalServer
}

// policy::afterMonitorError with the counters of every server, then asks for the step.
void MonitorRunner::escalate(Entry& e, const QString& detail, bool timedOut) {
    const auto& m = e.monitor;
    policy::MonitorError error;
    error.counters = e.counters;
    if (otherCounters_)
        error.counters += otherCounters_(m.name);
    error.targetActiveHere = recoveryTargetActive(m);
    error.causedByTimeout = timedOut;
    const auto step = policy::afterMonitorError(m, error);
    if (step == policy::MonitorStep::None) {
        if (e.noRecoveryReported)
            return;
        e.noRecoveryReported = true;
        const QString why = timedOut && m.timeoutNoRecovery
                                ? QStringLiteral("a timed-out check is not recovered (emergency/timeout/notrecovery)")
                                : QStringLiteral("its recovery target %1 %2 is not active on this server")
                                      .arg(m.relationType, m.relationName);
        emit alert(AlertType::Warning, QStringLiteral("mon"), alert::MonitorRecovery,
                   QStringLiteral("Monitor %1 detected an error (%2): no recovery: %3.").arg(m.name, detail, why));
        return;
    }
    if (step == policy::MonitorStep::FinalAction && e.finalActionDone)
        return; // still in error after its final action: shown, not repeated
    auto counters = e.counters;
    if (step == policy::MonitorStep::FinalAction)
        e.finalActionDone = true;
    if (step == policy::MonitorStep::Reactivate) {
        ++counters.reactivations;
        ++error.counters.reactivations;
    } else if (step == policy::MonitorStep::Failover) {
        ++counters.failovers;
        ++error.counters.failovers;
    }
    setCounters(e, counters);
    e.recovering = step;
    e.recoveringSince.start();
    emit alert(AlertType::Error, QStringLiteral("mon"), alert::MonitorRecovery,
               QStringLiteral("Monitor %1 detected an error (%2): %3 of %4 %5 (reactivations %6/%7, "
                              "failovers %8/%9).")
                   .arg(m.name, detail, policy::monitorStepName(step), m.relationType, m.relationName)
                   .arg(error.counters.reactivations)
                   .arg(m.restartThreshold)
                   .arg(error.counters.failovers)
                   .arg(m.failoverThreshold));
    emit recoveryNeeded(m.name, step, detail);
}

void MonitorRunner::setCounters(Entry& e, const policy::MonitorCounters& counters) {
    if (!counters.any())
        e.finalActionDone = false;
    if (e.counters == counters)
        return;
    e.counters = counters;
    emit countersChanged(e.monitor.name, counters);
}

void MonitorRunner::setState(Entry& e, const QString& state, const QString& detail) {
    if (e.state == state && e.detail == detail)
        return;
    const QString before = e.state;
    e.state = state;
    if (before != state)
        emit stateChanged(e.monitor.name, state);
    if (state != QLatin1String("Error"))
        e.noRecoveryReported = false;
    e.detail = detail;
    if (state == QLatin1String("Error"))
        emit alert(AlertType::Error, QStringLiteral("mon"), alert::MonitorError,
                   QStringLiteral("Monitor %1 is in error: %2").arg(e.monitor.name, detail));
    else if (state == QLatin1String("Warning"))
        emit alert(AlertType::Warning, QStringLiteral("mon"), alert::MonitorWarning,
                   QStringLiteral("Monitor %1 warns: %2").arg(e.monitor.name, detail));
    else if (state == QLatin1String("Normal") && (before == QLatin1String("Error") || before == QLatin1String("Warning")))
        emit alert(AlertType::Info, QStringLiteral("mon"), alert::MonitorNormal,
                   QStringLiteral("Monitor %1 is Normal again.").arg(e.monitor.name));
}

MonitorRunner::Entry* MonitorRunner::find(const QString& name, QString* error) {
    for (auto& e : entries_)
        if (e->monitor.name == name)
            return e.get();
    if (error)
        *error = QStringLiteral("no monitor named \"%1\" in the cluster").arg(name);
    return nullptr;
}

bool MonitorRunner::suspend(const QString& name, QString* error) {
    if (!name.isEmpty() && !find(name, error))
        return false;
    for (auto& e : entries_) {
        if (!name.isEmpty() && e->monitor.name != name)
            continue;
        if (e->suspended)
            continue;
        e->suspended = true;
        if (e->checking && e->driver)
            e->driver->cancel();
        e->checking = false;
        ++e->checkId;
        e->deadline.stop();
        setState(*e, QStringLiteral("Suspended"), {});
        emit alert(AlertType::Info, QStringLiteral("mon"), alert::MonitorSuspended,
                   QStringLiteral("Monitor %1 is suspended.").arg(e->monitor.name));
    }
    return true;
}

bool MonitorRunner::resume(const QString& name, QString* error) {
    if (!name.isEmpty() && !find(name, error))
        return false;
    for (auto& e : entries_) {
        if ((!name.isEmpty() && e->monitor.name != name) || !e->suspended)
            continue;
        e->suspended = false;
        e->failures = 0;
        setState(*e, QStringLiteral("Offline"), {});
        emit alert(AlertType::Info, QStringLiteral("mon"), alert::MonitorResumed,
                   QStringLiteral("Monitor %1 is resumed.").arg(e->monitor.name));
        if (started_)
            tick(*e);
    }
    return true;
}

void MonitorRunner::recoveryDone(const QString& name) {
    for (auto& e : entries_)
        if (e->monitor.name == name && e->recovering) {
            e->recovering.reset();
            e->failures = 0;
        }
}

bool MonitorRunner::resetCounters(const QString& name, QString* error) {
    if (!name.isEmpty() && !find(name, error))
        return false;
    for (auto& e : entries_)
        if (name.isEmpty() || e->monitor.name == name) {
            setCounters(*e, {});
            e->failures = 0;
        }
    return true;
}

QString MonitorRunner::stateOf(const QString& name) const {
    for (const auto& e : entries_)
        if (e->monitor.name == name)
            return started_ || e->suspended ? e->state : QStringLiteral("Unknown");
    return QStringLiteral("Unknown");
}

QJsonArray MonitorRunner::toJson() const {
    QJsonArray out;
    for (const auto& e : entries_) {
        auto cluster = e->counters;
        if (otherCounters_)
            cluster += otherCounters_(e->monitor.name);
        out.append(QJsonObject{{"name", e->monitor.name},
                               {"type", e->monitor.type},
                               {"comment", e->monitor.comment},
                               {"state", started_ || e->suspended ? e->state : QStringLiteral("Unknown")},
                               {"detail", e->detail},
                               {"lastError", e->lastError},
                               {"lastErrorAt", e->lastErrorAt.isValid()
                                                   ? e->lastErrorAt.toString(Qt::ISODateWithMs)
                                                   : QString()},
                               {"timeouts", e->timeouts},
                               // Counters as the next escalation sees them (every server's), and this server's.
                               {"reactivations", cluster.reactivations},
                               {"failovers", cluster.failovers},
                               {"reactivationsHere", e->counters.reactivations},
                               {"failoversHere", e->counters.failovers}});
    }
    return out;
}

void MonitorRunner::setTimeoutRatio(double ratio) {
    if (!(ratio > 0) || ratio == timeoutRatio_)
        return;
    timeoutRatio_ = ratio;
    for (auto& e : entries_)
        if (e->checking && e->driver)
            e->deadline.start(int(std::max<qint64>(0, e->driver->context().timeoutMs() - e->checkStarted.elapsed())));
}

} // namespace lifeline::engine
