#include "PidMonitor.h"

#include "ExecResource.h"

#include <QFile>

#include <cerrno>
#include <csignal>

namespace lifeline::monitors {

// 'Z' for a zombie: exited, not yet reaped by its parent.
static char processState(qint64 pid) {
    QFile stat(QStringLiteral("/proc/%1/stat").arg(pid));
    if (!stat.open(QIODevice::ReadOnly))
        return 0;
    const QByteArray line = stat.readAll();
    // "pid (comm) S ...": comm may contain ") ", so take the last one.
    const int close = line.lastIndexOf(") ");
    return close >= 0 && close + 2 < line.size() ? line.at(close + 2) : 0;
}

void PidMonitor::check(Done done) {
    pending_.begin(std::move(done));
    const QString& target = context().monitor.target;
    auto* driver = context().resource ? context().resource(target) : nullptr;
    auto* exec = qobject_cast<resources::ExecResource*>(driver);
    if (!exec) {
        pending_.finish(CheckResult::Warning,
                        QStringLiteral("target \"%1\" is not an exec resource of this server").arg(target));
        return;
    }
    if (!exec->isAsynchronous()) {
        pending_.finish(CheckResult::Warning,
                        QStringLiteral("exec %1 has no resident process (act/sync = 1)").arg(target));
        return;
    }
    const qint64 pid = exec->residentPid();
    if (pid <= 0) { // already reaped by the exec resource
        pending_.finish(CheckResult::Error,
                        lastPid_ > 0 ? QStringLiteral("process %1 of %2 is gone").arg(lastPid_).arg(target)
                                     : QStringLiteral("the resident process of %1 is not running").arg(target));
        return;
    }
    lastPid_ = pid;
    if (::kill(pid_t(pid), 0) != 0 && errno == ESRCH)
        pending_.finish(CheckResult::Error, QStringLiteral("process %1 of %2 is gone").arg(pid).arg(target));
    else if (processState(pid) == 'Z')
        pending_.finish(CheckResult::Error, QStringLiteral("process %1 of %2 has exited").arg(pid).arg(target));
    else
        pending_.finish(CheckResult::Normal, QStringLiteral("process %1 of %2 is alive").arg(pid).arg(target));
}

} // namespace lifeline::monitors
