#pragma once

#include "MonitorDriver.h"
#include "MonitorSupport.h"

namespace lifeline::monitors {

// vipw: the /32 of the target vip resource is configured here (README.md
// "vipw"). Whether RIP is still being advertised is not checked: VipResource
// does not expose its advertiser.
class VipMonitor : public MonitorDriver {
    Q_OBJECT
public:
    using MonitorDriver::MonitorDriver;

    void check(Done done) override;
    void cancel() override { pending_.cancel(); }

private:
    PendingCheck pending_{this};
};

} // namespace lifeline::monitors
