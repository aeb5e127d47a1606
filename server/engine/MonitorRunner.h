#pragma once

#include "GroupState.h"

#include "ClusterConfig.h"
#include "MonitorDriver.h"
#include "MonitorPolicy.h"
#include "Paths.h"

#include <QElapsedTimer>
#include <QHash>
#include <QJsonArray>
#include <QObject>
#include <QSet>
#include <QTimer>

#include <memory>

namespace lifeline::engine {

// Runs this server's monitors: first wait, interval, timeout, consecutive
// failures before an error (polling/reconfirmation), timing (always, or while
// the target resource is active here), suspend/resume, and the escalation of
// policy::afterMonitorError. It decides which recovery step is due and asks for
// it (recoveryNeeded); the cluster service carries it out. Monitors never block
// one another: a check runs asynchronously and is abandoned at its timeout.
class MonitorRunner : public QObject {
    Q_OBJECT
public:
    using ResourceLookup = std::function<resources::ResourceDriver*(const QString& resource)>;
    // The recovery the other servers did for a monitor (their published counters, summed).
    using CounterLookup = std::function<policy::MonitorCounters(const QString& monitor)>;

    MonitorRunner(config::Paths paths, QString local, const config::ClusterConfig& config,
                  ResourceLookup resources, QObject* parent = nullptr);
    ~MonitorRunner() override;

    void start();
    void stop();
    // Resources active on this server now (for monitors that run while their target is active).
    void setActiveResources(const QSet<QString>& active);
    void setOtherServersCounters(CounterLookup lookup) { otherCounters_ = std::move(lookup); }
    // Asked when a monitor of an option's type starts: "" when the option's license is in force
    // here, else why not (the monitor stays in Error, and is not checked).
    using OptionCheck = std::function<QString(const QString& product)>;
    void setOptionCheck(OptionCheck check) { optionCheck_ = std::move(check); }
    // Empty name: every monitor. False with `error` for an unknown monitor.
    bool suspend(const QString& name, QString* error);
    bool resume(const QString& name, QString* error);
    // The recovery step asked for by recoveryNeeded() is over (reactivation done, group or
    // resource stopped): checks resume. A failover ends when the target has left this server.
    void recoveryDone(const QString& name);
    // This server's counters (every server resets its own; see ClusterService).
    bool resetCounters(const QString& name, QString* error);
    // "Normal", "Error", "Warning", "Offline", "Suspended", "Unknown" (for mtw and the status).
    QString stateOf(const QString& name) const;
    // Monitors suspended on this server (clpmonctrl -s).
    QStringList suspendedMonitors() const;
    // The configuration was replaced (clpcfctrl --push): monitors added are made
    // (and started when the runner runs), monitors removed are stopped, and the ones
    // in `changed` are made again with their new settings, keeping clpmonctrl's suspend.
    void reloadConfig(const QStringList& changed);
    QJsonArray toJson() const;
    // clptoratio: every monitor timeout is multiplied by `ratio` (a check under way gets
    // the new limit counted from its start).
    void setTimeoutRatio(double ratio);

signals:
    void recoveryNeeded(const QString& monitor, lifeline::policy::MonitorStep step, const QString& reason);
    void alert(lifeline::engine::AlertType type, const QString& module, int id, const QString& message);
    // This server's recovery counters of `monitor` changed (to publish with the group table).
    void countersChanged(const QString& monitor, const lifeline::policy::MonitorCounters& counters);
    // The state of `monitor` on this server changed (to tell the other servers at once).
    void stateChanged(const QString& monitor, const QString& state);

private:
    struct Entry;
    std::shared_ptr<Entry> makeEntry(const config::Monitor& m);
    void startEntry(Entry& e);
    void stopEntry(Entry& e);
    void tick(Entry& e);
    void finished(Entry& e, monitors::CheckResult result, const QString& detail, bool timedOut = false);
    void escalate(Entry& e, const QString& detail, bool timedOut);
    void setCounters(Entry& e, const policy::MonitorCounters& counters);
    bool recoveryTargetActive(const config::Monitor& m) const;
    void setState(Entry& e, const QString& state, const QString& detail);
    bool running(const Entry& e) const;
    Entry* find(const QString& name, QString* error);

    config::Paths paths_;
    QString local_;
    const config::ClusterConfig& config_;
    ResourceLookup resources_;
    CounterLookup otherCounters_;
    OptionCheck optionCheck_;
    QList<std::shared_ptr<Entry>> entries_;
    QSet<QString> active_;
    bool started_ = false;
    double timeoutRatio_ = 1.0;
};

} // namespace lifeline::engine
