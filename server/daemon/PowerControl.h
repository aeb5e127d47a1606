#pragma once

#include <QString>
#include <memory>

namespace lifeline::daemon {

// OS-level final actions. Production uses the real system calls; a test node
// (--power sandbox:CMD) runs CMD instead, which "powers off" that node. The
// action taken is always logged and alerted by the caller.
class PowerControl {
public:
    enum class Action { Shutdown, Reboot, Panic, Reset, Halt };
    static QString actionName(Action a); // "shutdown", "reboot", "panic", "reset", "halt"

    virtual ~PowerControl() = default;
    // Performs the action; returns only when the action could not be taken.
    virtual bool perform(Action action, QString* error) = 0;
    // An operator's shutdown (clpstdn, clpdown) of Shutdown, Reboot or Halt, once the cluster
    // service has stopped: the OS goes down in order (services, file systems). By default
    // the same as perform().
    virtual bool shutDownOs(Action action, QString* error) { return perform(action, error); }

    // "real" or "sandbox:CMD"; nothing (and `error` set) for anything else.
    static std::unique_ptr<PowerControl> fromOption(const QString& option, QString* error);
};

} // namespace lifeline::daemon
