#pragma once

#include <QObject>
#include <QString>
#include <QStringList>
#include <QTimer>

#include <functional>
#include <memory>
#include <thread>

namespace lifeline::np {

// disknp: a lock on the shared disk that at most one server holds, the tie-breaker of network
// partition resolution (README.md, "disknp"). Nobody holds it while the cluster is whole; when
// a partition needs a tie-breaker each side tries to take it, the winner renews it every
// renewal period until the lost servers are back, and a lock not renewed for the lease time
// is free. All I/O (O_DIRECT | O_SYNC on the raw partition, the record of DiskLockRecord) runs
// on a thread of its own, so that a hung disk only makes the attempt fail by its time limit.
//
// Taking the lock: read it; when another server holds it, watch it for the lease time (a
// change: that server is alive, the attempt fails); write a claim (epoch + 1); wait the I/O
// timeout; read it again: still ours, we hold it. Two servers that both found it free both
// write, and the reread shows each the later write: exactly one keeps it, provided a claim is
// written within half the I/O timeout of the read that found the lock free (a slower claim
// gives up) — see README.md for the argument.
class DiskLock : public QObject {
    Q_OBJECT
public:
    struct Settings {
        QString name;          // "disknp1", for messages
        QString device;        // as configured
        QString description;   // "/dev/disk/by-id/x (/dev/sdb2)"
        int localSlot = 0;     // this server's index (priority order)
        QStringList slotNames; // index -> server name, for messages
        quint64 clusterId = 0;
        QByteArray key;        // the cluster heartbeat key (signs the record)
        quint64 incarnation = 0;
        int renewMs = 1000;    // the holder rewrites the lock this often (heartbeat interval)
        int leaseMs = 5000;    // a lock not rewritten for this long is free (heartbeat timeout)
        int ioTimeoutMs = 1000; // bound of one read or write, and the wait after a claim
        int checkMs = 1000;    // while nobody needs the lock: read it this often (path check)
    };
    // won: this server holds the lock now; reason: one phrase ("taken: it was free", "held by
    // server1, which renews it", "cannot read /dev/sdb2: Input/output error").
    using Done = std::function<void(bool won, const QString& reason)>;

    explicit DiskLock(Settings settings, QObject* parent = nullptr);
    ~DiskLock() override;

    const Settings& settings() const;
    void start();
    void stop();

    // The longest an attempt may take: the watch of a held lock, the claim and its reread.
    int acquireLimitMs() const;
    // Tries to take the lock after `delayMs` (a server that runs no group lets one that does
    // try first). `done` is called once, on this object's thread, by acquireLimitMs() + delay
    // at the latest: an attempt that has not ended by then fails (and gives the lock back if
    // it gets it later). A new attempt replaces one under way (which then fails).
    void acquire(int delayMs, Done done);
    // Frees the lock if this server holds it (the partition is over).
    void release();

    bool held() const;
    bool healthy() const;    // the last read or write of the lock worked
    QString lastError() const;

signals:
    // The path to the lock broke or works again (alerted like a ping target).
    void healthChanged(bool ok, const QString& message);
    // This server held the lock and no longer does: another server took it (this one did not
    // renew it in time), or it could not renew it for half the lease time.
    void lost(const QString& reason);

private:
    struct State;
    void finishAttempt(int attempt, bool won, const QString& reason);

    std::shared_ptr<State> state_;
    std::thread thread_;
    Done done_;
    int attempt_ = 0;
    QTimer attemptLimit_;
};

} // namespace lifeline::np
