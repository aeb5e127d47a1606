#pragma once

#include "MonitorDriver.h"
#include "MonitorSupport.h"

namespace lifeline::monitors {

// fipw: the floating IP of the target fip resource is configured here
// (README.md "fipw"); with monmii = 1 also the link of its interface.
class FipMonitor : public MonitorDriver {
    Q_OBJECT
public:
    using MonitorDriver::MonitorDriver;

    void check(Done done) override;
    void cancel() override { pending_.cancel(); }

private:
    PendingCheck pending_{this};
};

} // namespace lifeline::monitors
