#pragma once

#include "ResourceDriver.h"

#include <QElapsedTimer>
#include <QFutureWatcher>
#include <QPointer>
#include <QProcess>
#include <QTimer>

#include <sys/types.h>

namespace lifeline::resources {

// disk: a file system on a shared-disk partition (README.md "disk").
// Activation: refuse if the device is mounted anywhere (ExpressCluster's
// pseudo-failure #10), clear its read-only flag (BLKROSET 0), create the mount
// point, fsck as fsck/timing says (a child process, fsck/timeout), then mount(2)
// with mount/retry retries. Deactivation: umount2(2), retried umount/retry times
// on EBUSY; with umount/action = kill each retry first TERMs, then KILLs, the
// processes holding the file system; then read-only again (BLKROSET 1).
// mount(2) and umount2(2) run on a detached thread (BlockDevice::runDetached):
// they are fast on a healthy disk but can hang for minutes on a dead one, and
// mount/timeout and umount/timeout must still fire then.
class DiskResource : public ResourceDriver {
    Q_OBJECT
public:
    static constexpr int kRetryDelayMs = 500; // between two mount or two unmount attempts
    static constexpr int kKillGraceMs = 2000; // holders: SIGTERM -> SIGKILL -> unmount anyway
    static constexpr int kPollMs = 50;        // are the holders gone yet?

    struct MountOptions {
        unsigned long flags = 0; // MS_RDONLY, MS_NOATIME, ...
        QString data;            // the file system's own options ("data=ordered,errors=remount-ro")
    };
    // "rw,noatime,data=ordered" -> flags + data, as mount(8) splits them.
    static MountOptions parseMountOptions(const QString& options);

    explicit DiskResource(ResourceContext context, QObject* parent = nullptr);
    ~DiskResource() override;

    void activate(ResourceEvent event, Done done) override;
    void deactivate(ResourceEvent event, Done done) override;
    // Online: the device is mounted on the mount point; Error: mounted elsewhere.
    ResourceState observe(QString* reason) const override;

    // At service start, for a disk resource not active here: set the device
    // read-only unless it is mounted (ExpressCluster: inactive disk resources are
    // not writable). Only for disktype "disk" (never a volume manager's device).
    bool protectInactive(QString* error) override;

    // The fsck command activation runs now (program + arguments), empty for none.
    QStringList fsckCommand(const QString& node) const;

private:
    QString param(const char* key) const { return context().resource.param(QLatin1String(key)); }
    int durationMs(const char* key) const;
    int count(const char* key) const;
    bool guardsReadOnly() const; // disktype disk: the device's RO flag is ours to set
    QString validate() const;
    QString resolveNode(QString* error) const;
    void protect(QString* note);

    void activateResolved(); // the device name is resolved (node_): the rest of the activation
    void startFsck();
    void onFsckFinished(int exitCode, QProcess::ExitStatus status);
    void startMount();
    void onMounted(int error);
    void startUnmount();
    void tryUnmount();
    void onUnmounted(int error);
    void pollHolders();
    void runJob(std::function<int()> call, int timeoutMs, std::function<void(int)> then,
                std::function<void()> onTimeout);
    void stopJob();
    void finishActivation(bool ok, const QString& reason);
    void finishDeactivation(bool ok, const QString& reason);

    QString mountPoint_;
    mutable QString node_; // resolved device node (cached for observe)
    dev_t device_ = 0;
    Done activateDone_;
    Done deactivateDone_;
    QPointer<QProcess> fsck_;
    QString fsckNote_;
    QFutureWatcher<int>* job_ = nullptr;
    int activations_ = 0; // a device name resolved for an earlier activation is ignored
    std::function<void(int)> then_;
    QTimer jobTimeout_;
    QTimer retry_;
    QTimer poll_;
    int attempts_ = 0;
    QElapsedTimer killClock_;
    int killSignal_ = 0;
    QStringList killed_;
};

} // namespace lifeline::resources
