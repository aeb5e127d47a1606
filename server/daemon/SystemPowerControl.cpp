#include "SystemPowerControl.h"

#include <QFile>
#include <QProcess>

#include <cerrno>
#include <cstring>
#include <sys/reboot.h>
#include <unistd.h>

namespace lifeline::daemon {

static bool sysrq(char key, QString* error) {
    QFile trigger(QStringLiteral("/proc/sysrq-trigger"));
    if (!trigger.open(QIODevice::WriteOnly) || trigger.write(&key, 1) != 1) {
        if (error)
            *error = QStringLiteral("/proc/sysrq-trigger: %1").arg(trigger.errorString());
        return false;
    }
    trigger.flush();
    return false; // still running: the trigger did not take
}

bool SystemPowerControl::perform(Action action, QString* error) {
    // A reset or panic fences this server: it must not wait for a disk that may hang (the
    // shared disk of a partition); the others count on it being down in time.
    if (action != Action::Reset && action != Action::Panic)
        ::sync();
    int command = 0;
    switch (action) {
    case Action::Shutdown: command = RB_POWER_OFF; break;
    case Action::Reboot: command = RB_AUTOBOOT; break;
    case Action::Halt: command = RB_HALT_SYSTEM; break;
    case Action::Panic: return sysrq('c', error);
    case Action::Reset: return sysrq('b', error);
    }
    ::reboot(command);
    if (error)
        *error = QStringLiteral("reboot(2): %1").arg(QString::fromLocal8Bit(std::strerror(errno)));
    return false;
}

bool SystemPowerControl::shutDownOs(Action action, QString* error) {
    const char* verb = action == Action::Reboot ? "reboot" : action == Action::Halt ? "halt" : "poweroff";
    if (action == Action::Shutdown || action == Action::Reboot || action == Action::Halt) {
        // systemctl returns once the job is queued; the shutdown itself follows.
        QProcess systemctl;
        systemctl.start(QStringLiteral("systemctl"), {QString::fromLatin1(verb)});
        if (systemctl.waitForFinished(30000) && systemctl.exitStatus() == QProcess::NormalExit &&
            systemctl.exitCode() == 0)
            return true;
    }
    return perform(action, error);
}

} // namespace lifeline::daemon
