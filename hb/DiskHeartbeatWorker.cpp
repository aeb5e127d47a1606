#include "DiskHeartbeatWorker.h"

#include "BlockDevice.h"
#include "DiskSlot.h"

#include <QHash>
#include <QLoggingCategory>
#include <QPair>
#include <QSet>
#include <algorithm>
#include <atomic>
#include <cerrno>
#include <condition_variable>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <fcntl.h>
#include <mutex>
#include <pthread.h>
#include <unistd.h>

namespace lifeline::hb {

namespace {

Q_LOGGING_CATEGORY(lcDisk, "lifeline.hb.disk", QtInfoMsg)

using Clock = std::chrono::steady_clock;

qint64 steadyNs() {
    return std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now().time_since_epoch())
        .count();
}

} // namespace

// Everything the thread touches; shared with it so that a detached (stuck) thread never uses
// freed memory.
struct DiskHeartbeatWorker::State {
    explicit State(Settings s) : settings(std::move(s)) {}

    const Settings settings;

    // Mailbox, under `mutex`.
    mutable std::mutex mutex;
    std::condition_variable wake;
    QByteArray pending;
    bool hasPending = false;
    bool stopRequested = false;
    bool finished = false;
    QList<Delivery> deliveries;
    QList<Event> events;

    std::atomic<bool> failing{false};
    std::atomic<quint64> writes{0}, reads{0}, bytesWritten{0}, bytesRead{0}, refused{0}, errors{0};
    std::atomic<int> blockSize{0};
    // Stall watch: when the current operation started (0: none running), and whether the
    // heartbeat thread reported it as stuck.
    std::atomic<qint64> opStartedNs{0};
    std::atomic<bool> stallNoted{false};

    // Thread only.
    int fd = -1;
    int slotBytes = 0;
    int firstSlot = 0; // the read covers slots firstSlot .. lastSlot (this server's included)
    int lastSlot = 0;
    AlignedBuffer writeBuffer, readBuffer, rereadBuffer;
    quint64 counter = 0;
    bool wroteOnce = false;
    bool wroteSinceFailure = false, readSinceFailure = false;
    QByteArray lastWritten; // this server's slot as last written, to spot a second writer
    bool foreignWriterWarned = false;
    struct Track {
        bool seen = false;
        QByteArray raw;
        quint64 incarnation = 0, counter = 0;
    };
    QHash<int, Track> tracks;
    QSet<QPair<int, int>> warned; // (slot, DiskSlot::Result) already logged

    int hook(IoOp op) const { return settings.hook ? settings.hook(op) : 0; }
    QString source(int slot) const {
        return QStringLiteral("%1 slot %2").arg(settings.device).arg(slot);
    }

    void queue(Delivery delivery) {
        std::lock_guard lock(mutex);
        if (deliveries.size() >= kMaxQueued)
            deliveries.removeFirst();
        deliveries << std::move(delivery);
    }

    void closeDevice() {
        if (fd >= 0)
            ::close(fd);
        fd = -1;
    }

    // An error: reported once per failure (the first one), then the device is closed and
    // reopened by the loop every reopen period.
    void fail(const QString& message) {
        ++errors;
        closeDevice();
        wroteSinceFailure = readSinceFailure = false;
        if (failing.exchange(true)) {
            qCDebug(lcDisk).noquote() << message;
            return;
        }
        qCWarning(lcDisk).noquote() << message;
        std::lock_guard lock(mutex);
        events << Event{true, message};
    }

    void opBegin() { opStartedNs = steadyNs(); }
    // False when the operation was reported stuck meanwhile: it proves nothing, and recovery
    // then needs a write and a read that start afterwards.
    bool opEnd() {
        opStartedNs = 0;
        if (!stallNoted.exchange(false))
            return true;
        wroteSinceFailure = readSinceFailure = false;
        return false;
    }

    void maybeRecovered() {
        if (!failing || !wroteSinceFailure || !readSinceFailure)
            return;
        failing = false;
        const QString message =
            QStringLiteral("%1: %2 works again").arg(settings.path, settings.deviceDescription);
        qCInfo(lcDisk).noquote() << message;
        std::lock_guard lock(mutex);
        events << Event{false, message};
    }

    bool openDevice() {
        const QString& what = settings.deviceDescription;
        opBegin();
        int error = hook(IoOp::Open);
        if (!error) {
            // O_EXCL on a block device: refused while it is mounted or held by another program.
            fd = ::open(settings.device.toLocal8Bit().constData(),
                        O_RDWR | O_DIRECT | O_SYNC | O_EXCL | O_CLOEXEC);
            error = fd < 0 ? errno : 0;
        }
        opEnd();
        if (error) {
            fail(QStringLiteral("%1: cannot open %2: %3%4")
                     .arg(settings.path, what, qt_error_string(error),
                          error == EBUSY ? QStringLiteral(" (mounted, or in use by another "
                                                          "program: a disk heartbeat needs a "
                                                          "partition of its own)")
                                         : QString()));
            return false;
        }
        BlockGeometry geometry;
        if (const auto problem = readBlockGeometry(fd, what, &geometry); !problem.isEmpty()) {
            fail(QStringLiteral("%1: %2").arg(settings.path, problem));
            return false;
        }
        const int logical = geometry.logicalBlockSize;
        const quint64 size = geometry.sizeBytes;
        if (qint64(size) < DiskSlot::kMinDeviceBytes) {
            fail(QStringLiteral("%1: %2 has %3 bytes; a disk heartbeat partition needs at least "
                                "%4 MiB")
                     .arg(settings.path, what)
                     .arg(size)
                     .arg(DiskSlot::kMinDeviceBytes / (1024 * 1024)));
            return false;
        }
        slotBytes = DiskSlot::slotBytes(logical);
        firstSlot = settings.localSlot;
        lastSlot = settings.localSlot;
        for (auto it = settings.peerSlots.cbegin(); it != settings.peerSlots.cend(); ++it) {
            firstSlot = std::min(firstSlot, it.key());
            lastSlot = std::max(lastSlot, it.key());
        }
        const int span = (lastSlot - firstSlot + 1) * slotBytes;
        if (!writeBuffer.allocate(slotBytes, logical) || !readBuffer.allocate(span, logical) ||
            !rereadBuffer.allocate(slotBytes, logical)) {
            fail(QStringLiteral("%1: out of memory for the I/O buffers").arg(settings.path));
            return false;
        }
        blockSize = logical;
        return true;
    }

    bool writeSlot(const QByteArray& datagram) {
        DiskSlot slot;
        slot.serverIndex = quint16(settings.localSlot);
        slot.clusterId = settings.clusterId;
        slot.incarnation = settings.incarnation;
        slot.counter = ++counter;
        slot.monotonicNs = monotonicNs();
        slot.state = DiskSlot::stateSummary(datagram);
        slot.datagram = datagram;
        if (!slot.encode(writeBuffer.data(), slotBytes)) {
            qCWarning(lcDisk).noquote()
                << QStringLiteral("%1: a datagram of %2 bytes does not fit a slot; not written")
                       .arg(settings.path)
                       .arg(datagram.size());
            return true;
        }
        const qint64 offset = DiskSlot::offset(settings.localSlot, blockSize);
        opBegin();
        int error = hook(IoOp::Write);
        ssize_t n = -1;
        if (!error) {
            n = pwrite(fd, writeBuffer.data(), size_t(slotBytes), off_t(offset));
            error = n < 0 ? errno : 0;
        }
        const bool counts = opEnd();
        if (error || n != slotBytes) {
            fail(QStringLiteral("%1: cannot write %2 (slot %3 at byte %4): %5")
                     .arg(settings.path, settings.deviceDescription)
                     .arg(settings.localSlot)
                     .arg(offset)
                     .arg(error ? qt_error_string(error) : QStringLiteral("short write")));
            return false;
        }
        ++writes;
        bytesWritten += quint64(n);
        lastWritten = QByteArray(writeBuffer.data(), slotBytes);
        wroteOnce = true;
        if (counts) {
            wroteSinceFailure = true;
            maybeRecovered();
        }
        return true;
    }

    bool readAt(char* into, int bytes, qint64 offset, const QString& what, bool* counts) {
        opBegin();
        int error = hook(IoOp::Read);
        ssize_t n = -1;
        if (!error) {
            n = pread(fd, into, size_t(bytes), off_t(offset));
            error = n < 0 ? errno : 0;
        }
        *counts = opEnd() && *counts;
        if (error || n != bytes) {
            fail(QStringLiteral("%1: cannot read %2 (%3 at byte %4): %5")
                     .arg(settings.path, settings.deviceDescription, what)
                     .arg(offset)
                     .arg(error ? qt_error_string(error) : QStringLiteral("short read")));
            return false;
        }
        ++reads;
        bytesRead += quint64(n);
        return true;
    }

    bool readSlots() {
        const qint64 offset = DiskSlot::offset(firstSlot, blockSize);
        const QString what = firstSlot == lastSlot
                                 ? QStringLiteral("slot %1").arg(firstSlot)
                                 : QStringLiteral("slots %1-%2").arg(firstSlot).arg(lastSlot);
        bool counts = true;
        if (!readAt(readBuffer.data(), readBuffer.size(), offset, what, &counts))
            return false;
        if (wroteOnce && !foreignWriterWarned) {
            const char* own = readBuffer.data() + (settings.localSlot - firstSlot) * slotBytes;
            if (QByteArrayView(own, slotBytes) != lastWritten) {
                foreignWriterWarned = true;
                qCWarning(lcDisk).noquote()
                    << QStringLiteral("%1: slot %2 of %3 (this server's) holds data this server "
                                      "did not write: another server or cluster writes there")
                           .arg(settings.path)
                           .arg(settings.localSlot)
                           .arg(settings.deviceDescription);
            }
        }
        for (auto it = settings.peerSlots.cbegin(); it != settings.peerSlots.cend(); ++it)
            if (!takeSlot(it.key(), it.value(),
                          readBuffer.data() + (it.key() - firstSlot) * slotBytes, &counts))
                return false;
        if (counts) {
            readSinceFailure = true;
            maybeRecovered();
        }
        return true;
    }

    // One peer's slot as read: delivers its datagram when its (incarnation, counter) moved.
    bool takeSlot(int index, const QString& peer, const char* raw, bool* counts) {
        Track& track = tracks[index];
        if (track.seen && QByteArrayView(raw, slotBytes) == track.raw)
            return true; // unchanged: nothing new, the manager times the path out
        const bool baseline = !track.seen;
        track.seen = true;
        track.raw = QByteArray(raw, slotBytes);
        DiskSlot slot;
        auto result = DiskSlot::decode(raw, slotBytes, settings.clusterId, index, &slot);
        if (result != DiskSlot::Result::Ok && result != DiskSlot::Result::Empty) {
            // Maybe a read that raced the peer's write: a second look decides.
            if (!readAt(rereadBuffer.data(), slotBytes, DiskSlot::offset(index, blockSize),
                        QStringLiteral("slot %1").arg(index), counts))
                return false;
            track.raw = QByteArray(rereadBuffer.data(), slotBytes);
            result =
                DiskSlot::decode(rereadBuffer.data(), slotBytes, settings.clusterId, index, &slot);
        }
        if (result == DiskSlot::Result::Ok &&
            (baseline || slot.incarnation != track.incarnation || slot.counter != track.counter)) {
            track.incarnation = slot.incarnation;
            track.counter = slot.counter;
            // What was there before this server looked proves nothing about the peer now.
            if (!baseline && !failing)
                queue({slot.datagram, source(index), peer});
            return true;
        }
        if (result == DiskSlot::Result::Ok || result == DiskSlot::Result::Empty || baseline)
            return true;
        ++refused;
        const QPair<int, int> key{index, int(result)};
        if (!warned.contains(key)) {
            warned.insert(key);
            qCWarning(lcDisk).noquote()
                << QStringLiteral("%1: refused slot %2 (server \"%3\") on %4: %5 (further ones "
                                  "are only counted)")
                       .arg(settings.path)
                       .arg(index)
                       .arg(peer, settings.deviceDescription, describe(result));
        }
        if (!failing)
            queue({QByteArray(), source(index), peer}); // counted as malformed by the inbox
        return true;
    }
};

DiskHeartbeatWorker::DiskHeartbeatWorker(Settings settings)
    : state_(std::make_shared<State>(std::move(settings))) {}

DiskHeartbeatWorker::~DiskHeartbeatWorker() {
    stop();
}

void DiskHeartbeatWorker::start() {
    if (thread_.joinable())
        return;
    thread_ = std::thread(&DiskHeartbeatWorker::run, state_);
}

bool DiskHeartbeatWorker::stop(std::chrono::milliseconds wait) {
    if (!thread_.joinable())
        return true;
    std::unique_lock lock(state_->mutex);
    state_->stopRequested = true;
    state_->wake.notify_all();
    const bool ended = state_->wake.wait_for(lock, wait, [this] { return state_->finished; });
    lock.unlock();
    if (ended) {
        thread_.join();
        return true;
    }
    qCWarning(lcDisk).noquote()
        << QStringLiteral("%1: %2 did not answer within %3 ms; its I/O thread is left to end "
                          "when the disk returns")
               .arg(state_->settings.path, state_->settings.deviceDescription)
               .arg(wait.count());
    thread_.detach();
    return false;
}

void DiskHeartbeatWorker::post(const QByteArray& datagram) {
    std::lock_guard lock(state_->mutex);
    state_->pending = datagram;
    state_->hasPending = true;
    state_->wake.notify_all();
}

QList<DiskHeartbeatWorker::Delivery> DiskHeartbeatWorker::takeDeliveries() {
    std::lock_guard lock(state_->mutex);
    return std::exchange(state_->deliveries, {});
}

QList<DiskHeartbeatWorker::Event> DiskHeartbeatWorker::takeEvents() {
    std::lock_guard lock(state_->mutex);
    return std::exchange(state_->events, {});
}

bool DiskHeartbeatWorker::checkStall(std::chrono::milliseconds limit) {
    const qint64 started = state_->opStartedNs;
    if (started == 0 || steadyNs() - started < qint64(limit.count()) * 1000000)
        return false;
    state_->stallNoted = true;
    if (state_->failing.exchange(true))
        return false;
    const QString message =
        QStringLiteral("%1: %2 does not answer: an I/O has been pending for more than %3 ms")
            .arg(state_->settings.path, state_->settings.deviceDescription)
            .arg(limit.count());
    qCWarning(lcDisk).noquote() << message;
    std::lock_guard lock(state_->mutex);
    state_->events << Event{true, message};
    return true;
}

bool DiskHeartbeatWorker::failing() const {
    return state_->failing;
}

DiskHeartbeatWorker::Stats DiskHeartbeatWorker::stats() const {
    Stats s;
    s.writes = state_->writes;
    s.reads = state_->reads;
    s.bytesWritten = state_->bytesWritten;
    s.bytesRead = state_->bytesRead;
    s.refused = state_->refused;
    s.errors = state_->errors;
    s.logicalBlockSize = state_->blockSize;
    return s;
}

void DiskHeartbeatWorker::run(std::shared_ptr<State> s) {
    // The thread shows as the path's name in top -H and /proc (the benchmark reads it).
    pthread_setname_np(pthread_self(), s->settings.path.left(15).toLocal8Bit().constData());
    auto nextRead = Clock::now();
    auto nextOpen = Clock::now();
    for (;;) {
        QByteArray datagram;
        bool haveDatagram = false;
        bool stopping = false;
        {
            std::unique_lock lock(s->mutex);
            s->wake.wait_until(lock, s->fd >= 0 ? nextRead : nextOpen,
                               [&] { return s->stopRequested || s->hasPending; });
            stopping = s->stopRequested;
            if (s->hasPending) {
                datagram = std::move(s->pending);
                s->pending.clear();
                s->hasPending = false;
                haveDatagram = true;
            }
        }
        if (stopping) {
            if (haveDatagram && s->fd >= 0)
                s->writeSlot(datagram); // the leaving packet
            break;
        }
        const auto now = Clock::now();
        if (s->fd < 0) {
            if (now < nextOpen)
                continue; // the device is not usable: the datagram is dropped
            nextOpen = now + s->settings.reopenPeriod;
            if (!s->openDevice())
                continue;
            nextRead = now; // take the baseline at once
        }
        if (haveDatagram && !s->writeSlot(datagram)) {
            nextOpen = Clock::now() + s->settings.reopenPeriod;
            continue;
        }
        if (Clock::now() >= nextRead) {
            nextRead = Clock::now() + s->settings.readPeriod;
            if (!s->readSlots())
                nextOpen = Clock::now() + s->settings.reopenPeriod;
        }
    }
    s->closeDevice();
    std::lock_guard lock(s->mutex);
    s->finished = true;
    s->wake.notify_all();
}

} // namespace lifeline::hb
