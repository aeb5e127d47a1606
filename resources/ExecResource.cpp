#include "ExecResource.h"

#include <QDir>
#include <QFileInfo>

#include <cmath>

namespace lifeline::resources {

namespace {
constexpr int kMaxSettleMs = 1000;
constexpr int kDefaultTimeoutMs = 1800 * 1000;

// K::Seconds parameters ("1800"; fractions accepted) -> milliseconds.
int secondsParamMs(const QString& text) {
    bool ok = false;
    const double s = text.trimmed().toDouble(&ok);
    if (!ok || !(s > 0) || s > 1e6)
        return kDefaultTimeoutMs;
    return std::max(1, int(std::lround(s * 1000.0)));
}
} // namespace

ExecResource::ExecResource(ResourceContext context, QObject* parent)
    : ResourceDriver(std::move(context), parent) {
    settle_.setSingleShot(true);
    connect(&settle_, &QTimer::timeout, this, [this] {
        if (activateDone_ && start_ && start_->isRunning())
            finishActivation(true, QStringLiteral("%1 running (pid %2)")
                                       .arg(QFileInfo(startScriptPath()).fileName())
                                       .arg(start_->pid()));
    });
}

ExecResource::~ExecResource() = default;

QString ExecResource::startScriptPath() const {
    const QString p = context().resource.param(QStringLiteral("act/path"));
    if (QDir::isAbsolutePath(p))
        return p;
    return QStringLiteral("%1/%2/%3/%4")
        .arg(context().paths.scriptsDir(), context().group, context().resource.name, p);
}

QString ExecResource::stopScriptPath() const {
    const QString p = context().resource.param(QStringLiteral("deact/path"));
    if (QDir::isAbsolutePath(p))
        return p;
    return QStringLiteral("%1/%2/%3/%4")
        .arg(context().paths.scriptsDir(), context().group, context().resource.name, p);
}

QString ExecResource::logFilePath() const {
    const QString user = context().resource.param(QStringLiteral("userlog"));
    if (user.isEmpty())
        return QStringLiteral("%1/exec/%2.%3.log")
            .arg(context().paths.logDir(), context().group, context().resource.name);
    if (QDir::isAbsolutePath(user))
        return user;
    return context().paths.logDir() + QLatin1Char('/') + user;
}

bool ExecResource::isAsynchronous() const {
    return context().resource.param(QStringLiteral("act/sync")).trimmed() == QLatin1String("0");
}

int ExecResource::startTimeoutMs() const {
    return secondsParamMs(context().resource.param(QStringLiteral("timeout/start")));
}

int ExecResource::stopTimeoutMs() const {
    return secondsParamMs(context().resource.param(QStringLiteral("timeout/stop")));
}

int ExecResource::settleMs() const { return std::min(kMaxSettleMs, startTimeoutMs() / 2); }

qint64 ExecResource::residentPid() const {
    return isAsynchronous() && start_ && start_->isRunning() ? start_->pid() : 0;
}

QProcessEnvironment ExecResource::scriptEnvironment(ResourceEvent event) const {
    const auto& c = context();
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("CLP_EVENT"), resourceEventName(event));
    env.insert(QStringLiteral("CLP_SERVER"),
               !c.homeServer.isEmpty() && c.homeServer == c.localServer ? QStringLiteral("HOME")
                                                                        : QStringLiteral("OTHER"));
    env.insert(QStringLiteral("CLP_GROUPNAME"), c.group);
    env.insert(QStringLiteral("CLP_RESOURCENAME"), c.resource.name);
    if (c.config) {
        if (const auto* group = c.config->group(c.group)) {
            const int index = c.config->serversFor(*group).indexOf(c.localServer);
            if (index >= 0)
                env.insert(QStringLiteral("CLP_PRIORITY"), QString::number(index + 1));
        }
    }
    env.insert(QStringLiteral("LIFELINE_ROOT"), c.paths.root());
    env.insert(QStringLiteral("LIFELINE_SERVER"), c.localServer);
    return env;
}

QString ExecResource::checkScript(const QString& path, const QString& label) {
    const QFileInfo info(path);
    if (!info.exists())
        return QStringLiteral("%1 not found: %2").arg(label, path);
    if (!info.isFile())
        return QStringLiteral("%1 is not a file: %2").arg(label, path);
    if (!info.isExecutable())
        return QStringLiteral("%1 is not executable: %2").arg(label, path);
    return {};
}

std::unique_ptr<ScriptRunner> ExecResource::makeRunner(const QString& path, const QString& label,
                                                       ResourceEvent event, int timeoutMs) const {
    ScriptRunner::Options o;
    o.path = path;
    o.label = label;
    o.environment = scriptEnvironment(event);
    o.workingDirectory = QFileInfo(path).absolutePath();
    o.logFile = logFilePath();
    o.rotate = context().resource.param(QStringLiteral("logrotate/use")).trimmed() == QLatin1String("1");
    bool ok = false;
    const qint64 size = context().resource.param(QStringLiteral("logrotate/size")).toLongLong(&ok);
    o.rotateSize = ok && size > 0 ? size : 1000000;
    o.timeoutMs = timeoutMs;
    return std::make_unique<ScriptRunner>(std::move(o));
}

void ExecResource::dispose(std::unique_ptr<ScriptRunner>& runner) {
    if (runner) {
        runner->disconnect();
        runner.release()->deleteLater();
    }
}

void ExecResource::activate(ResourceEvent event, Done done) {
    if (isBusy()) {
        done(false, QStringLiteral("exec %1: an activation or deactivation is already in progress")
                        .arg(context().resource.name));
        return;
    }
    if (state_ == ResourceState::Online) {
        done(true, reason_);
        return;
    }
    const QString path = startScriptPath();
    const QString label = QFileInfo(path).fileName();
    if (const QString error = checkScript(path, label); !error.isEmpty()) {
        state_ = ResourceState::Error;
        reason_ = error;
        done(false, error);
        return;
    }
    dispose(start_);
    activateDone_ = std::move(done);
    const bool async = isAsynchronous();
    start_ = makeRunner(path, label, event, async ? 0 : startTimeoutMs());
    connect(start_.get(), &ScriptRunner::finished, this,
            [this, async, label](bool ok, const QString& reason) {
                if (!async) {
                    finishActivation(ok, reason);
                    return;
                }
                if (activateDone_) {
                    settle_.stop();
                    finishActivation(false, QStringLiteral("%1 (act/sync = 0: it must stay "
                                                           "resident, but ended within %2 ms)")
                                                .arg(reason)
                                                .arg(settleMs()));
                    return;
                }
                if (!deactivateDone_)
                    onResidentExit(reason);
            });
    if (async)
        settle_.start(settleMs());
    start_->start();
}

void ExecResource::finishActivation(bool ok, const QString& reason) {
    state_ = ok ? ResourceState::Online : ResourceState::Error;
    reason_ = reason;
    if (!isAsynchronous())
        dispose(start_);
    Done done = std::move(activateDone_);
    activateDone_ = nullptr;
    if (done)
        done(ok, reason);
}

ResourceState ExecResource::observe(QString* reason) const {
    if (reason)
        *reason = reason_;
    return state_;
}

void ExecResource::onResidentExit(const QString& reason) {
    state_ = ResourceState::Error;
    reason_ = QStringLiteral("resident process ended unexpectedly: %1").arg(reason);
}

void ExecResource::deactivate(ResourceEvent event, Done done) {
    if (deactivateDone_) {
        done(false, QStringLiteral("exec %1: a deactivation is already in progress")
                        .arg(context().resource.name));
        return;
    }
    deactivateDone_ = std::move(done);
    if (activateDone_) {
        settle_.stop();
        // A running synchronous start.sh is killed with its group when disposed.
        finishActivation(false, QStringLiteral("activation aborted by deactivation"));
    }
    runStop(event);
}

void ExecResource::runStop(ResourceEvent event) {
    const QString path = stopScriptPath();
    const QString label = QFileInfo(path).fileName();
    if (const QString error = checkScript(path, label); !error.isEmpty()) {
        afterStop(false, error);
        return;
    }
    dispose(stop_);
    stop_ = makeRunner(path, label, event, stopTimeoutMs());
    if (isAsynchronous() && start_ && start_->pid() > 0)
        stop_->setEnvironmentVariable(QStringLiteral("CLP_PID"), QString::number(start_->pid()));
    connect(stop_.get(), &ScriptRunner::finished, this, &ExecResource::afterStop);
    stop_->start();
}

void ExecResource::afterStop(bool ok, const QString& reason) {
    stopOk_ = ok;
    stopReason_ = reason;
    if (start_ && start_->pid() > 0 && (start_->isRunning() || start_->groupAlive())) {
        connect(start_.get(), &ScriptRunner::terminated, this, &ExecResource::finishDeactivation);
        start_->terminate(ScriptRunner::graceMs(stopTimeoutMs()));
        return;
    }
    finishDeactivation();
}

void ExecResource::finishDeactivation() {
    dispose(start_);
    dispose(stop_);
    state_ = stopOk_ ? ResourceState::Offline : ResourceState::Error;
    reason_ = stopReason_;
    Done done = std::move(deactivateDone_);
    deactivateDone_ = nullptr;
    if (done)
        done(stopOk_, stopReason_);
}

} // namespace lifeline::resources
