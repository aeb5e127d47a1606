#pragma once

#include "GroupState.h"

#include "ClusterConfig.h"
#include "Paths.h"
#include "ResourceDriver.h"

#include <QHash>
#include <QObject>
#include <QSet>

#include <functional>
#include <memory>

namespace lifeline::engine {

// One step of a transition, run on one server: activate or deactivate a group's
// resources (all of them, or `only`) in dependency waves.
struct RunRequest {
    QString group;
    policy::ActionKind kind = policy::ActionKind::Activate;
    resources::ResourceEvent event = resources::ResourceEvent::Start;
    QStringList only;      // empty: every resource of the group
    int serversFailed = 0; // servers the group already failed to activate on (escalation)

    QJsonObject toJson() const;
    static bool fromJson(const QJsonObject& json, RunRequest* out, QString* error);
};

struct RunResult {
    enum class Outcome {
        Done,        // every resource reached the requested state
        Failover,    // activation failed and the resource's settings say: next server
        FinalAction, // a resource failed and its final action was taken here
        Refused,     // not run (busy, unknown group, held by another server, ...)
    };
    Outcome outcome = Outcome::Done;
    QString resource; // the resource that failed
    QString reason;

    bool ok() const { return outcome == Outcome::Done; }
    QJsonObject toJson() const;
    static RunResult fromJson(const QJsonObject& json);
};
QString outcomeName(RunResult::Outcome outcome);

// Runs group resources on this server: one driver per resource of every group
// this server may run, waves in order, independent resources in parallel,
// retries and final actions from each resource's recovery settings
// (policy/RecoveryPolicy.h). Final actions that concern the whole server (stop
// the cluster service, shut down, reboot, panic) are handed to the cluster
// service through serverFinalAction(). Keeps the local group table.
class GroupExecutor : public QObject {
    Q_OBJECT
public:
    using Done = std::function<void(const RunResult&)>;
    // May another server hold the group right now? Asked before every activation
    // (never two owners, even if two servers briefly think they lead).
    using HeldElsewhere = std::function<QString(const QString& group)>;

    GroupExecutor(config::Paths paths, QString local, const config::ClusterConfig& config,
                  quint64 incarnation, QObject* parent = nullptr);
    ~GroupExecutor() override;

    void setHeldElsewhere(HeldElsewhere check) { heldElsewhere_ = std::move(check); }

    // Reads what the drivers see now (a restarted daemon finds its resources) and
    // protects what is inactive (read-only disks).
    void observeAll();

    void run(const RunRequest& request, Done done);
    bool busy(const QString& group) const { return running_.contains(group); }
    // Deactivates every group active here, last configured first; `done` once all
    // are released (ok) or one could not be (its final action has been asked for).
    void releaseAll(resources::ResourceEvent event, std::function<void(bool ok)> done);
    // Forgets a "held" or "stuck" mark after an operator clear.
    void clearMarks(const QString& group);
    // The configuration was replaced (clpcfctrl --push): groups this server may now
    // run are added (their resources observed and protected), groups it may no
    // longer run are dropped, and the groups in `changed` are rebuilt with fresh
    // drivers. Only groups that are Offline and idle here are touched; a change to a
    // group that runs waits until it is stopped (ApplyPolicy: stop the group).
    void reloadConfig(const QStringList& changed);
    void setStopping(bool stopping);
    void setClusterStarted(bool started);
    // Publishes this server's recovery counters of `monitor` with the table.
    void setMonitorCounters(const QString& monitor, const policy::MonitorCounters& counters);

    const GroupTable& table() const { return table_; }
    // The driver of a resource of a group this server may run (made on first use), or nullptr.
    resources::ResourceDriver* resourceDriver(const QString& resource);
    // Resources Online here now.
    QSet<QString> onlineResources() const;
    bool mayRun(const QString& group) const { return table_.groups.contains(group); }

signals:
    void tableChanged();
    void alert(lifeline::engine::AlertType type, const QString& module, int id, const QString& message);
    // A resource's final action concerns the whole server (codes 3..8).
    void serverFinalAction(int code, const QString& reason);

private:
    struct Run;
    void startWave(const std::shared_ptr<Run>& run);
    void attempt(const std::shared_ptr<Run>& run, const QString& resource, int attempts);
    void resourceFinished(const std::shared_ptr<Run>& run, const QString& resource, int attempts,
                          bool ok, const QString& reason);
    void waveFinished(const std::shared_ptr<Run>& run);
    void finish(const std::shared_ptr<Run>& run, RunResult result);
    void applyFinalAction(const std::shared_ptr<Run>& run, const QString& resource, int code,
                          const QString& reason);
    resources::ResourceDriver* driver(const QString& group, const QString& resource, QString* error);
    void setResource(const QString& group, const QString& resource, resources::ResourceState state,
                     const QString& reason);
    void refreshGroupState(const QString& group);
    void observeGroup(const QString& group);
    void bump();

    config::Paths paths_;
    QString local_;
    const config::ClusterConfig& config_;
    GroupTable table_;
    HeldElsewhere heldElsewhere_;
    QHash<QString, std::shared_ptr<resources::ResourceDriver>> drivers_; // by resource name
    QHash<QString, std::shared_ptr<Run>> running_;                    // by group name
};

} // namespace lifeline::engine
