#pragma once

#include <QByteArray>
#include <QList>
#include <QMap>
#include <QString>
#include <chrono>
#include <functional>
#include <memory>
#include <thread>

namespace lifeline::hb {

// The disk I/O of one diskhb path, on a thread of its own so that a slow or hung disk never
// holds the heartbeat thread: post() and the take*() calls only touch a mutex-guarded mailbox.
// The thread opens the device (O_DIRECT | O_SYNC | O_EXCL), writes this server's slot with the
// latest posted datagram, reads the peers' slots every read period and queues a datagram only
// when a peer's slot moved (README.md, "diskhb"). On an I/O error it reports once, closes the
// device, delivers nothing and reopens it every reopen period until a write and a read work.
class DiskHeartbeatWorker {
public:
    enum class IoOp { Open, Write, Read };
    // Test seam: called on the worker thread before each operation. A nonzero return fails the
    // operation with that errno without doing it; the hook may block (a hung disk). It must
    // return eventually: a stuck worker is left running when its owner stops it.
    using IoHook = std::function<int(IoOp op)>;

    struct Settings {
        QString path;              // the heartbeat resource, for messages ("diskhb1")
        QString device;            // as configured
        QString deviceDescription; // for messages: "/dev/disk/by-id/x (/dev/sdb2)"
        int localSlot = 0;
        QMap<int, QString> peerSlots; // slot -> peer
        quint64 clusterId = 0;
        quint64 incarnation = 0;
        std::chrono::milliseconds readPeriod{250};
        std::chrono::milliseconds reopenPeriod{1000};
        IoHook hook;
    };
    struct Delivery {
        QByteArray datagram; // empty: the slot changed but was refused (counted as malformed)
        QString source;      // "<device> slot <n>"
        QString peer;
    };
    struct Event {
        bool failed = false; // false: recovered
        QString message;
    };
    struct Stats {
        quint64 writes = 0, reads = 0, bytesWritten = 0, bytesRead = 0;
        quint64 refused = 0;      // changed peer slots that failed their checks
        quint64 errors = 0;       // failed opens, reads and writes
        int logicalBlockSize = 0; // 0 until the device was opened
    };

    static constexpr int kMaxQueued = 256; // deliveries kept while nobody takes them

    explicit DiskHeartbeatWorker(Settings settings);
    ~DiskHeartbeatWorker(); // stop(kDefaultStopWait)

    static constexpr std::chrono::milliseconds kDefaultStopWait{1000};

    void start();
    // Writes the datagram posted last (a leaving packet) and ends the thread, waiting at most
    // `wait`; a thread still stuck in the disk then is detached and ends when the I/O returns
    // (it owns everything it touches). True when it ended in time.
    bool stop(std::chrono::milliseconds wait = kDefaultStopWait);

    // The datagram to write next; replaces one not yet written.
    void post(const QByteArray& datagram);
    QList<Delivery> takeDeliveries();
    QList<Event> takeEvents();
    // Called by the owner's thread: when the operation in progress has lasted `limit` or more,
    // reports the failure (an Event) once, as for an I/O error. True when it did now.
    bool checkStall(std::chrono::milliseconds limit);
    bool failing() const;
    Stats stats() const;

private:
    struct State;
    static void run(std::shared_ptr<State> state);

    std::shared_ptr<State> state_;
    std::thread thread_;
};

} // namespace lifeline::hb
