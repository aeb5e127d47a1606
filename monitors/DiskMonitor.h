#pragma once

#include "MonitorDriver.h"
#include "MonitorSupport.h"

#include <QSocketNotifier>

#include <memory>
#include <sys/types.h>

struct udev;
struct udev_monitor;

namespace lifeline::monitors {

// diskw: device `object` answers (README.md "diskw"). method READ (also
// READ(RAW), READ(O_DIRECT)): `size` bytes from the start with O_DIRECT;
// TUR: SCSI TEST UNIT READY through SG_IO. The I/O runs on a detached thread
// so that a hung device never blocks the event loop; while it hangs, further
// checks fail at once instead of piling up threads. A udev/kernel "remove"
// event of the device asks for a check at once, which reports Error.
class DiskMonitor : public MonitorDriver {
    Q_OBJECT
public:
    explicit DiskMonitor(MonitorContext context, QObject* parent = nullptr);
    ~DiskMonitor() override;

    void check(Done done) override;
    void cancel() override { pending_.cancel(); }

    // Is the "remove" watch working (it is not where no uevents arrive)?
    bool watchesRemoval() const { return bool(notifier_); }

private:
    void watchRemoval();
    void onUevent();

    PendingCheck pending_{this};
    bool ioInFlight_ = false; // the last read/TUR has not returned yet
    dev_t device_ = 0;        // last resolved device number, for "remove" events
    bool removed_ = false;
    udev* udev_ = nullptr;
    udev_monitor* uevents_ = nullptr;
    std::unique_ptr<QSocketNotifier> notifier_;
};

} // namespace lifeline::monitors
