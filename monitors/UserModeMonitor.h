#pragma once

#include "MonitorDriver.h"
#include "MonitorSupport.h"

namespace lifeline::monitors {

// userw as a monitor row: the stall detection itself is out of process (the
// lifeline-keepalive supervisor that lifelined pets, README.md "userw"); a check
// that runs at all shows the event loop runs, so it is Normal. With method none
// nothing watches for stalls: Warning, so that clpstat shows it.
class UserModeMonitor : public MonitorDriver {
    Q_OBJECT
public:
    using MonitorDriver::MonitorDriver;

    void check(Done done) override;
    void cancel() override { pending_.cancel(); }

private:
    PendingCheck pending_{this};
};

} // namespace lifeline::monitors
