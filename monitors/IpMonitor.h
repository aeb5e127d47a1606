#pragma once

#include "MonitorDriver.h"
#include "MonitorSupport.h"

#include <memory>

namespace lifeline::np {
class PingProber;
}

namespace lifeline::monitors {

// ipw: ICMP echo to the addresses of parameters list[N]/ip (README.md "ipw").
// Normal at the first answer from any of them; Error when none answers within
// waitMs() (half the monitor timeout, at most 5 s).
class IpMonitor : public MonitorDriver {
    Q_OBJECT
public:
    explicit IpMonitor(MonitorContext context, QObject* parent = nullptr);
    ~IpMonitor() override;

    void check(Done done) override;
    void cancel() override;
    int waitMs() const;

private:
    void dropProber();

    PendingCheck pending_{this};
    std::unique_ptr<np::PingProber> prober_; // one per check
};

} // namespace lifeline::monitors
