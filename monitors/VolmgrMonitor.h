#pragma once

#include "MonitorDriver.h"
#include "MonitorSupport.h"

#include <memory>

namespace lifeline::resources {
class ProcessCommandRunner;
}

namespace lifeline::monitors {

// volmgrw: the LVM volume group(s) `devname` are usable here (README.md
// "volmgrw"), asked with `vgs` as a child process.
class VolmgrMonitor : public MonitorDriver {
    Q_OBJECT
public:
    explicit VolmgrMonitor(MonitorContext context, QObject* parent = nullptr);
    ~VolmgrMonitor() override;

    void check(Done done) override;
    void cancel() override;

    static constexpr const char* kMapperControl = "/dev/mapper/control";

private:
    PendingCheck pending_{this};
    std::unique_ptr<resources::ProcessCommandRunner> runner_; // one per check: cancel() kills it
};

} // namespace lifeline::monitors
