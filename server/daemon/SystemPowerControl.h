#pragma once

#include "PowerControl.h"

namespace lifeline::daemon {

// The real machine: an immediate power-off, reboot or panic. These are
// emergency actions (the server must let go of shared resources now), so they
// do not wait for an orderly OS shutdown: file systems are synced first, then
// the kernel is told directly.
class SystemPowerControl : public PowerControl {
public:
    bool perform(Action action, QString* error) override;
    // clpstdn / clpdown: `systemctl poweroff|reboot|halt` (an orderly shutdown); perform()
    // when systemd cannot be asked.
    bool shutDownOs(Action action, QString* error) override;
};

} // namespace lifeline::daemon
