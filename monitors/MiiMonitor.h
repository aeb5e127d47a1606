#pragma once

#include "LinkState.h"
#include "MonitorDriver.h"
#include "MonitorSupport.h"

namespace lifeline::monitors {

// miiw: the link of interface `object` (README.md "miiw"). Error when the
// interface is missing, administratively down or without carrier. Link changes
// arrive through rtnetlink (LinkWatcher) and ask for a check at once.
class MiiMonitor : public MonitorDriver {
    Q_OBJECT
public:
    explicit MiiMonitor(MonitorContext context, QObject* parent = nullptr);

    void check(Done done) override;
    void cancel() override { pending_.cancel(); }

private:
    PendingCheck pending_{this};
    LinkWatcher watcher_;
};

} // namespace lifeline::monitors
