#include "SystemPowerControl.h"

#include <QFile>

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
    ::sync();
    int command = 0;
    switch (action) {
    case Action::Shutdown: command = RB_POWER_OFF; break;
    case Action::Reboot: command = RB_AUTOBOOT; break;
    case Action::Panic: return sysrq('c', error);
    case Action::Reset: return sysrq('b', error);
    }
    ::reboot(command);
    if (error)
        *error = QStringLiteral("reboot(2): %1").arg(QString::fromLocal8Bit(std::strerror(errno)));
    return false;
}

} // namespace lifeline::daemon
