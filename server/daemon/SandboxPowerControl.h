#pragma once

#include "PowerControl.h"

namespace lifeline::daemon {

// Test nodes: runs `/bin/sh -c "CMD ACTION"` (the scenario harness kills the
// node's processes and takes its links down), so that a test can see which
// final action fired without touching the machine.
class SandboxPowerControl : public PowerControl {
public:
    explicit SandboxPowerControl(QString command) : command_(std::move(command)) {}
    bool perform(Action action, QString* error) override;
    QString command() const { return command_; }

private:
    QString command_;
};

} // namespace lifeline::daemon
