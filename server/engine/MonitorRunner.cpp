#include "MonitorRunner.h"

#include "MultiTargetMonitor.h"

#include <QJsonObject>

namespace lifeline::engine {

using monitors::CheckResult;

struct MonitorRunner::Entry {
    config::Monitor monitor;
    std::unique_ptr<monitors::MonitorDriver> driver;
    QString driverError;
    QTimer interval;
    QTimer deadline;
    bool checking = false;
    int checkId = 0;       // answers of an abandoned check are ignored
    bool suspended = false;
    bool busyReported = false;
    QString state = QStringLiteral("Offline");
    QString detail;
    int failures = 0;      // consecutive failed checks
    policy::MonitorCounters counters;
    QElapsedTimer normalSince; // monotonic; counters reset after interval x (retry + 1) of Normal
};

MonitorRunner::MonitorRunner(config::Paths paths, QString local, const config::ClusterConfig& config,
                             ResourceLookup resources, QObject* parent)
    : QObject(parent), paths_(std::move(paths)), local_(std::move(local)), config_(config),
      resources_(std::move(resources)) {
    // mtw reads the other monitors' states here (one runner per lifelined).
    monitors::MultiTargetMonitor::setStateLookup([this](const QString& name) { return stateOf(name); });
    for (const auto& m : config_.monitors) {
        auto e = std::make_shared<Entry>();
        e->monitor = m;
        monitors::MonitorContext context;
        context.paths = paths_;
        context.localServer = local_;
        context.monitor = m;
        context.config = &config_;
        context.resource = resources_;
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
            emit alert(AlertType::Warning, QStringLiteral("mon"), alert::MonitorTimedOut,
                       QStringLiteral("Monitor %1: the check timed out after %2 s.")
                           .arg(raw->monitor.name).arg(raw->monitor.timeoutMs / 1000.0));
            finished(*raw, CheckResult::Error,
                     QStringLiteral("the check timed out after %1 s").arg(raw->monitor.timeoutMs / 1000.0));
        });
        if (e->driver)
            connect(e->driver.get(), &monitors::MonitorDriver::checkNow, this, [this, raw] {
                if (started_ && !raw->checking)
                    tick(*raw);
            });
        entries_ << e;
    }
}

MonitorRunner::~MonitorRunner() { stop(); }

void MonitorRunner::start() {
    if (started_)
        return;
    started_ = true;
    for (auto& e : entries_) {
        e->failures = 0;
        if (!e->driver) {
            setState(*e, QStringLiteral("Unknown"), e->driverError);
            continue;
        }
        setState(*e, e->suspended ? QStringLiteral("Suspended") : QStringLiteral("Offline"), {});
        e->interval.start(std::max(50, e->monitor.intervalMs));
        // The first check after the wait time (at least right away, on the event loop).
        Entry* raw = e.get();
        QTimer::singleShot(e->monitor.firstWaitMs, this, [this, raw] {
            if (started_)
                tick(*raw);
        });
    }
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
    if (!started_ || !e.driver)
        return;
    if (e.suspended) {
        setState(e, QStringLiteral("Suspended"), {});
        return;
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
    e.deadline.start(std::max(50, e.monitor.timeoutMs));
    e.driver->check([this, &e, id](CheckResult result, const QString& detail) {
        if (id != e.checkId || !e.checking)
            return; // abandoned (timed out, stopped)
        e.checking = false;
        e.busyReported = false;
        e.deadline.stop();
        finished(e, result, detail);
    });
}

void MonitorRunner::finished(Entry& e, CheckResult result, const QString& detail) {
    if (!started_ || e.suspended)
        return;
    if (result == CheckResult::Normal) {
        e.failures = 0;
        if (e.state != QLatin1String("Normal"))
            e.normalSince.start();
        setState(e, QStringLiteral("Normal"), {});
        // Counters start again after a full interval x (retry + 1) of Normal.
        const qint64 calm = qint64(e.monitor.intervalMs) * (e.monitor.retry + 1);
        if ((e.counters.reactivations || e.counters.failovers) && e.normalSince.isValid() &&
            e.normalSince.elapsed() >= calm)
            e.counters = {};
        return;
    }
    if (result == CheckResult::Warning) {
        e.failures = 0;
        setState(e, QStringLiteral("Warning"), detail);
        return;
    }
    e.normalSince.invalidate();
    if (++e.failures <= e.monitor.retry)
        return; // not yet: polling/reconfirmation more failures first
    e.failures = 0;
    setState(e, QStringLiteral("Error"), detail);
    const auto step = policy::afterMonitorError(e.monitor, e.counters);
    if (step == policy::MonitorStep::Reactivate)
        ++e.counters.reactivations;
    else if (step == policy::MonitorStep::Failover)
        ++e.counters.failovers;
    emit alert(AlertType::Error, QStringLiteral("mon"), alert::MonitorRecovery,
               QStringLiteral("Monitor %1 detected an error (%2): %3 of %4 %5 (reactivations %6/%7, "
                              "failovers %8/%9).")
                   .arg(e.monitor.name, detail, policy::monitorStepName(step), e.monitor.relationType,
                        e.monitor.relationName)
                   .arg(e.counters.reactivations)
                   .arg(e.monitor.restartThreshold)
                   .arg(e.counters.failovers)
                   .arg(e.monitor.failoverThreshold));
    emit recoveryNeeded(e.monitor.name, step, detail);
}

void MonitorRunner::setState(Entry& e, const QString& state, const QString& detail) {
    if (e.state == state && e.detail == detail)
        return;
    const QString before = e.state;
    e.state = state;
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

bool MonitorRunner::resetCounters(const QString& name, QString* error) {
    if (!name.isEmpty() && !find(name, error))
        return false;
    for (auto& e : entries_)
        if (name.isEmpty() || e->monitor.name == name) {
            e->counters = {};
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
    for (const auto& e : entries_)
        out.append(QJsonObject{{"name", e->monitor.name},
                               {"type", e->monitor.type},
                               {"comment", e->monitor.comment},
                               {"state", started_ || e->suspended ? e->state : QStringLiteral("Unknown")},
                               {"detail", e->detail},
                               {"reactivations", e->counters.reactivations},
                               {"failovers", e->counters.failovers}});
    return out;
}

} // namespace lifeline::engine
