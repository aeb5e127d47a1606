#pragma once

#include "MonitorDriver.h"
#include "MonitorSupport.h"

namespace lifeline::monitors {

// pidw: the resident process of the target exec resource (act/sync = 0) is
// alive (README.md "pidw").
class PidMonitor : public MonitorDriver {
    Q_OBJECT
public:
    using MonitorDriver::MonitorDriver;

    void check(Done done) override;
    void cancel() override { pending_.cancel(); }

private:
    PendingCheck pending_{this};
    qint64 lastPid_ = 0; // the resident seen by the last check: named once it is gone
};

} // namespace lifeline::monitors
