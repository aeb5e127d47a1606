#pragma once

#include "ResourceDriver.h"
#include "ScriptRunner.h"

#include <QProcessEnvironment>
#include <QTimer>

#include <memory>

namespace lifeline::resources {

// exec: scripts/<group>/<resource>/start.sh and stop.sh (README.md "exec").
// act/sync = 1: activation is start.sh's exit code; Online until deactivated.
// act/sync = 0: start.sh is a resident process; activation succeeds once it has
// run for settleMs() without exiting; Online while it runs, Error once it exits
// unexpectedly; deactivation runs stop.sh, then TERM/KILLs the resident group.
class ExecResource : public ResourceDriver {
    Q_OBJECT
public:
    explicit ExecResource(ResourceContext context, QObject* parent = nullptr);
    ~ExecResource() override;

    void activate(ResourceEvent event, Done done) override;
    void deactivate(ResourceEvent event, Done done) override;
    ResourceState observe(QString* reason) const override;

    QString startScriptPath() const;
    QString stopScriptPath() const;
    QString logFilePath() const;
    bool isAsynchronous() const;
    int startTimeoutMs() const;
    int stopTimeoutMs() const;
    // Asynchronous mode: how long start.sh must stay up for activation to succeed
    // (1 s, or half of timeout/start when that is shorter).
    int settleMs() const;
    // Pid (= process group id) of the resident start.sh while it runs; 0 otherwise.
    // For the PID monitor (pidw).
    qint64 residentPid() const;
    bool isBusy() const { return bool(activateDone_) || bool(deactivateDone_); }
    // The environment a script of this resource gets for `event`.
    QProcessEnvironment scriptEnvironment(ResourceEvent event) const;

private:
    std::unique_ptr<ScriptRunner> makeRunner(const QString& path, const QString& label,
                                             ResourceEvent event, int timeoutMs) const;
    static QString checkScript(const QString& path, const QString& label);
    void finishActivation(bool ok, const QString& reason);
    void runStop(ResourceEvent event);
    void afterStop(bool ok, const QString& reason);
    void finishDeactivation();
    void onResidentExit(const QString& reason);
    static void dispose(std::unique_ptr<ScriptRunner>& runner);

    ResourceState state_ = ResourceState::Offline;
    QString reason_ = QStringLiteral("not activated");
    Done activateDone_;
    Done deactivateDone_;
    bool stopOk_ = true;
    QString stopReason_;
    std::unique_ptr<ScriptRunner> start_;    // sync start.sh, or the resident process
    std::unique_ptr<ScriptRunner> stop_;
    QTimer settle_;
};

} // namespace lifeline::resources
