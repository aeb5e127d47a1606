#pragma once

#include "MonitorDriver.h"
#include "MonitorSupport.h"

#include <functional>

namespace lifeline::monitors {

// mtw: Error when at least `count` of the monitors listed in parameters
// list[N]/<any leaf> (e.g. list[0]/name) are in error (README.md "mtw").
// The states come from the engine through a process-wide hook, so that the
// driver interface stays free of engine types: the engine calls
// setStateLookup() once, with a function giving a monitor's current state as
// checkResultName() spells it ("Error" counts, case-insensitively).
class MultiTargetMonitor : public MonitorDriver {
    Q_OBJECT
public:
    using StateLookup = std::function<QString(const QString& monitorName)>;

    using MonitorDriver::MonitorDriver;

    void check(Done done) override;
    void cancel() override { pending_.cancel(); }

    // An empty function removes the hook (checks report Warning then).
    static void setStateLookup(StateLookup lookup);

private:
    PendingCheck pending_{this};
};

} // namespace lifeline::monitors
