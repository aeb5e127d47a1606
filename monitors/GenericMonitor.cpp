#include "GenericMonitor.h"

#include "ScriptRunner.h"

#include <QDir>
#include <QFileInfo>

#include <csignal>

namespace lifeline::monitors {

using resources::ScriptRunner;

GenericMonitor::GenericMonitor(MonitorContext context, QObject* parent) : MonitorDriver(std::move(context), parent) {}

GenericMonitor::~GenericMonitor() {
    // Not inside the runner's signal here: delete it now (its destructor kills
    // the group of a script still running), not with an event loop that may be gone.
    if (runner_) {
        runner_->disconnect(this);
        runner_->killGroup(SIGKILL);
    }
}

QString GenericMonitor::scriptPath() const {
    const QString path = context().monitor.param(QStringLiteral("path")).trimmed();
    if (QDir::isAbsolutePath(path))
        return path;
    return QStringLiteral("%1/monitor.s/%2/%3").arg(context().paths.scriptsDir(), context().monitor.name, path);
}

bool GenericMonitor::isAsynchronous() const {
    return context().monitor.param(QStringLiteral("sync")).trimmed() == QLatin1String("0");
}

qint64 GenericMonitor::scriptPid() const { return runner_ && runner_->isRunning() ? runner_->pid() : 0; }

// Like the exec resource's scripts (README.md "genw": the variables).
QProcessEnvironment GenericMonitor::scriptEnvironment() const {
    const auto& c = context();
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("CLP_MONITORNAME"), c.monitor.name);
    if (!c.monitor.target.isEmpty()) {
        env.insert(QStringLiteral("CLP_RESOURCENAME"), c.monitor.target);
        if (const auto* group = c.config ? c.config->groupOf(c.monitor.target) : nullptr)
            env.insert(QStringLiteral("CLP_GROUPNAME"), group->name);
    }
    env.insert(QStringLiteral("LIFELINE_ROOT"), c.paths.root());
    env.insert(QStringLiteral("LIFELINE_SERVER"), c.localServer);
    return env;
}

std::unique_ptr<ScriptRunner> GenericMonitor::makeRunner() const {
    ScriptRunner::Options o;
    o.path = scriptPath();
    o.label = QFileInfo(o.path).fileName();
    o.environment = scriptEnvironment();
    o.workingDirectory = QFileInfo(o.path).absolutePath();
    o.logFile = QStringLiteral("%1/monitor/%2.log").arg(context().paths.logDir(), context().monitor.name);
    // The scheduler's deadline (the monitor timeout) cancels a hung check and counts it as
    // timed out (alert 704, emergency/timeout/*). The script's own limit is only a backstop
    // for a driver used without that scheduler, so it must come later, never first.
    o.timeoutMs = isAsynchronous() ? 0 : context().timeoutMs() + kBackstopMs;
    return std::make_unique<ScriptRunner>(std::move(o));
}

void GenericMonitor::stopScript() {
    if (!runner_)
        return;
    runner_->disconnect(this);
    // The whole group: children the script left behind go too.
    runner_->killGroup(SIGKILL);
    // We may be inside its finished() (a slot of checkNow() cancelling): delete later.
    runner_.release()->deleteLater();
}

void GenericMonitor::startResident() {
    exitReason_.clear();
    runner_ = makeRunner();
    connect(runner_.get(), &ScriptRunner::finished, this, [this](bool, const QString& reason) {
        exitReason_ = reason.isEmpty() ? QStringLiteral("%1 has exited").arg(scriptPath()) : reason;
        emit checkNow(); // a resident that dies is an error now, not at the next interval
    });
    runner_->start();
}

void GenericMonitor::check(Done done) {
    pending_.begin(std::move(done));
    const QFileInfo script(scriptPath());
    if (!script.isFile() || !script.isExecutable()) {
        stopScript();
        pending_.finish(CheckResult::Error, QStringLiteral("%1 is missing or not executable").arg(script.filePath()));
        return;
    }
    if (isAsynchronous()) {
        if (!runner_)
            startResident();
        if (exitReason_.isEmpty())
            pending_.finish(CheckResult::Normal,
                            QStringLiteral("%1 is running (pid %2)").arg(script.fileName()).arg(runner_->pid()));
        else
            pending_.finish(CheckResult::Error, exitReason_);
        return;
    }
    stopScript(); // a run of an abandoned check, should one be left
    runner_ = makeRunner();
    connect(runner_.get(), &ScriptRunner::finished, this, [this](bool ok, const QString& reason) {
        runner_.release()->deleteLater(); // we are inside its signal
        pending_.finish(ok ? CheckResult::Normal : CheckResult::Error, reason);
    });
    runner_->start();
}

void GenericMonitor::cancel() {
    pending_.cancel();
    stopScript();
    exitReason_.clear();
}

} // namespace lifeline::monitors
