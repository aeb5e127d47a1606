#include "SandboxPowerControl.h"

#include "SystemPowerControl.h"

#include <QProcess>

namespace lifeline::daemon {

QString PowerControl::actionName(Action a) {
    switch (a) {
    case Action::Shutdown: return QStringLiteral("shutdown");
    case Action::Reboot: return QStringLiteral("reboot");
    case Action::Panic: return QStringLiteral("panic");
    case Action::Reset: return QStringLiteral("reset");
    case Action::Halt: return QStringLiteral("halt");
    }
    return {};
}

std::unique_ptr<PowerControl> PowerControl::fromOption(const QString& option, QString* error) {
    if (option.isEmpty() || option == QLatin1String("real"))
        return std::make_unique<SystemPowerControl>();
    if (option.startsWith(QLatin1String("sandbox:")) && option.size() > 8)
        return std::make_unique<SandboxPowerControl>(option.mid(8));
    if (error)
        *error = QStringLiteral("--power must be \"real\" or \"sandbox:COMMAND\", not \"%1\"").arg(option);
    return nullptr;
}

bool SandboxPowerControl::perform(Action action, QString* error) {
    // Detached: the command usually kills this very process.
    const bool started = QProcess::startDetached(
        QStringLiteral("/bin/sh"), {QStringLiteral("-c"), command_ + QLatin1Char(' ') + actionName(action)});
    if (!started && error)
        *error = QStringLiteral("cannot run the sandbox power command \"%1\"").arg(command_);
    return started;
}

} // namespace lifeline::daemon
