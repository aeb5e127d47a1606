#include "DiskLock.h"

#include "BlockDevice.h"
#include "DiskLockRecord.h"

#include <QLoggingCategory>
#include <QMetaObject>
#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <condition_variable>
#include <ctime>
#include <fcntl.h>
#include <mutex>
#include <optional>
#include <unistd.h>

namespace lifeline::np {

Q_LOGGING_CATEGORY(lcLock, "lifeline.np.disk", QtInfoMsg)

namespace {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

qint64 msSince(Clock::time_point t) {
    return std::chrono::duration_cast<milliseconds>(Clock::now() - t).count();
}

} // namespace

// Everything the thread touches; shared with it so that a thread stuck in the disk when its
// owner goes away never uses freed memory.
struct DiskLock::State {
    explicit State(Settings s) : settings(std::move(s)) {}
    const Settings settings;

    // Mailbox, under `mutex`.
    mutable std::mutex mutex;
    std::condition_variable wake;
    DiskLock* owner = nullptr; // null once the owner is gone: nothing more is posted
    int requestedAttempt = 0;  // > handledAttempt: an attempt to make
    int handledAttempt = 0;
    int abandonedAttempt = 0;  // attempts the owner stopped waiting for
    int delayMs = 0;
    bool releaseRequested = false;
    bool stopRequested = false;
    QString lastError;

    std::atomic<bool> held{false};
    std::atomic<bool> healthy{true};

    // Thread only.
    int fd = -1;
    int blockBytes = 0;
    hb::AlignedBuffer buffer;
    DiskLockRecord mine;              // our claim while we hold the lock
    Clock::time_point lastRenewal{};  // the last successful renewal
    Clock::time_point lastReadStart{};
    bool ioFailing = false;
    bool writeFailing = false;

    // Runs `fn` on the owner's thread, if the owner still exists.
    void post(std::function<void(DiskLock*)> fn) {
        std::lock_guard lock(mutex);
        if (!owner)
            return;
        DiskLock* o = owner;
        QMetaObject::invokeMethod(o, [o, fn = std::move(fn)] { fn(o); }, Qt::QueuedConnection);
    }

    QString who(qint32 slot) const {
        return slot >= 0 && slot < settings.slotNames.size()
                   ? settings.slotNames.at(slot)
                   : QStringLiteral("server #%1").arg(slot);
    }

    // A failed write is only cured by a write that works (the idle check only reads).
    void ioResult(const std::optional<QString>& error, bool isWrite) {
        if (isWrite)
            writeFailing = error.has_value();
        if (!error && writeFailing)
            return;
        {
            std::lock_guard lock(mutex);
            if (error)
                lastError = *error;
        }
        if (error && !ioFailing) {
            ioFailing = true;
            healthy = false;
            qCWarning(lcLock).noquote() << *error;
            post([e = *error](DiskLock* o) { emit o->healthChanged(false, e); });
        } else if (!error && ioFailing) {
            ioFailing = false;
            healthy = true;
            const QString m = QStringLiteral("%1: the disk lock on %2 can be read and written again")
                                  .arg(settings.name, settings.description);
            qCInfo(lcLock).noquote() << m;
            post([m](DiskLock* o) { emit o->healthChanged(true, m); });
        }
    }

    std::optional<QString> openDevice() {
        if (fd >= 0)
            return std::nullopt;
        const QString& what = settings.description;
        // Not O_EXCL: the disk heartbeat of the same partition holds that.
        fd = ::open(settings.device.toLocal8Bit().constData(), O_RDWR | O_DIRECT | O_SYNC | O_CLOEXEC);
        if (fd < 0)
            return QStringLiteral("%1: cannot open %2: %3")
                .arg(settings.name, what, qt_error_string(errno));
        hb::BlockGeometry geometry;
        QString problem = hb::readBlockGeometry(fd, what, &geometry);
        if (problem.isEmpty() && geometry.logicalBlockSize > DiskLockRecord::kOffset)
            problem = QStringLiteral("%1 has %2-byte blocks, larger than the %3 bytes before the lock")
                          .arg(what)
                          .arg(geometry.logicalBlockSize)
                          .arg(DiskLockRecord::kOffset);
        if (problem.isEmpty() &&
            geometry.sizeBytes < quint64(DiskLockRecord::kOffset + DiskLockRecord::kMinBlockBytes))
            problem = QStringLiteral("%1 is too small for the disk lock").arg(what);
        blockBytes = std::max(DiskLockRecord::kMinBlockBytes, geometry.logicalBlockSize);
        if (problem.isEmpty() && !buffer.allocate(blockBytes, geometry.logicalBlockSize))
            problem = QStringLiteral("out of memory");
        if (!problem.isEmpty()) {
            closeDevice();
            return QStringLiteral("%1: %2").arg(settings.name, problem);
        }
        return std::nullopt;
    }

    void closeDevice() {
        if (fd >= 0)
            ::close(fd);
        fd = -1;
    }

    // One O_DIRECT transfer of the lock block; the error names the operation and the device.
    std::optional<QString> transfer(bool isWrite) {
        if (!isWrite)
            lastReadStart = Clock::now();
        std::optional<QString> e = openDevice();
        if (!e) {
            const ssize_t n = isWrite ? pwrite(fd, buffer.data(), size_t(blockBytes), off_t(DiskLockRecord::kOffset))
                                      : pread(fd, buffer.data(), size_t(blockBytes), off_t(DiskLockRecord::kOffset));
            if (n != blockBytes) {
                const int error = n < 0 ? errno : EIO;
                closeDevice();
                e = QStringLiteral("%1: cannot %2 the disk lock on %3 (byte %4): %5")
                        .arg(settings.name, isWrite ? QStringLiteral("write") : QStringLiteral("read"),
                             settings.description)
                        .arg(DiskLockRecord::kOffset)
                        .arg(qt_error_string(error));
            }
        }
        ioResult(e, isWrite);
        return e;
    }

    // Reads the lock: the record (free when the block holds none), or the error.
    std::optional<QString> read(DiskLockRecord* out, DiskLockRecord::Result* result) {
        if (auto e = transfer(false))
            return e;
        *result = DiskLockRecord::decode(buffer.data(), blockBytes, settings.clusterId,
                                         settings.key, out);
        if (*result != DiskLockRecord::Result::Ok) {
            *out = DiskLockRecord{};
            out->clusterId = settings.clusterId;
        }
        return std::nullopt;
    }

    std::optional<QString> write(const DiskLockRecord& record) {
        if (auto e = openDevice()) {
            ioResult(e, false);
            return e;
        }
        if (!record.encode(buffer.data(), blockBytes, settings.key))
            return QStringLiteral("%1: cannot sign the lock record (no cluster key)").arg(settings.name);
        return transfer(true);
    }

    // Sleeps `ms` unless the owner asks to stop meanwhile (true: go on).
    bool pause(int ms) {
        std::unique_lock lock(mutex);
        return !wake.wait_for(lock, milliseconds(ms), [this] { return stopRequested; });
    }

    bool abandoned(int attempt) const {
        std::lock_guard lock(mutex);
        return stopRequested || abandonedAttempt >= attempt;
    }

    // One attempt; returns (won, reason).
    std::pair<bool, QString> attempt(int id) {
        DiskLockRecord seen;
        auto result = DiskLockRecord::Result::Empty;
        if (auto e = read(&seen, &result))
            return {false, *e};
        if (result == DiskLockRecord::Result::ForeignCluster)
            return {false, QStringLiteral("%1 holds %2 of another cluster: the partition is shared by mistake")
                               .arg(settings.description, describe(result))};
        if (held && seen.sameClaim(mine))
            return {true, QStringLiteral("this server holds it already")};
        QString how = seen.free() ? QStringLiteral("it was free")
                                  : QStringLiteral("a previous run of this server held it");
        if (!seen.free() && !(seen.owner == settings.localSlot && seen.incarnation != settings.incarnation)) {
            // Another server's claim: it is free only if nobody renews it for the lease time.
            const auto since = Clock::now();
            const int step = std::max(10, settings.renewMs / 2);
            while (msSince(since) < settings.leaseMs) {
                if (!pause(step) || abandoned(id))
                    return {false, QStringLiteral("the attempt was stopped")};
                DiskLockRecord now;
                if (auto e = read(&now, &result))
                    return {false, *e};
                if (now.free()) {
                    seen = now; // released meanwhile: claim it
                    break;
                }
                if (!now.sameClaim(seen) || now.counter != seen.counter)
                    return {false, QStringLiteral("held by %1, which renews it").arg(who(now.owner))};
            }
            how = seen.free() ? QStringLiteral("released by its holder")
                              : QStringLiteral("%1 did not renew it for %2 ms")
                                    .arg(who(seen.owner))
                                    .arg(settings.leaseMs);
        }
        const auto readStart = lastReadStart;
        DiskLockRecord claim;
        claim.clusterId = settings.clusterId;
        claim.owner = settings.localSlot;
        claim.incarnation = settings.incarnation;
        claim.epoch = seen.epoch + 1;
        claim.counter = 1;
        claim.monotonicNs = hb::monotonicNs();
        if (auto e = write(claim))
            return {false, *e};
        // A claim written long after the read that found the lock free may land after the
        // other side's reread: give up (the other side overwrites a claim of its own epoch).
        if (msSince(readStart) > settings.ioTimeoutMs / 2)
            return {false, QStringLiteral("the claim took %1 ms to read and write, more than half the "
                                          "I/O timeout of %2 ms: given up")
                               .arg(msSince(readStart))
                               .arg(settings.ioTimeoutMs)};
        if (!pause(settings.ioTimeoutMs) || abandoned(id))
            return {false, QStringLiteral("the attempt was stopped")};
        DiskLockRecord check;
        if (auto e = read(&check, &result))
            return {false, *e};
        if (!check.sameClaim(claim))
            return {false, check.free() ? QStringLiteral("it was released while this server claimed it")
                                        : QStringLiteral("%1 claimed it at the same time").arg(who(check.owner))};
        mine = claim;
        held = true;
        lastRenewal = Clock::now();
        return {true, QStringLiteral("taken: %1").arg(how)};
    }

    // The holder's renewal: read, check, counter + 1.
    void renew() {
        DiskLockRecord now;
        auto result = DiskLockRecord::Result::Empty;
        std::optional<QString> error = read(&now, &result);
        if (!error) {
            // A claim of our own epoch by someone else is a loser's late claim (it gives up):
            // overwrite it. A later epoch means the lock was taken from us.
            if (!now.sameClaim(mine) && now.epoch > mine.epoch) {
                loseLock(QStringLiteral("%1 took the disk lock (epoch %2): this server did not renew it in time")
                             .arg(now.free() ? QStringLiteral("somebody") : who(now.owner))
                             .arg(now.epoch));
                return;
            }
            DiskLockRecord next = mine;
            next.counter = std::max(mine.counter, now.sameClaim(mine) ? now.counter : 0) + 1;
            next.monotonicNs = hb::monotonicNs();
            error = write(next);
            if (!error) {
                mine = next;
                lastRenewal = Clock::now();
                return;
            }
        }
        if (msSince(lastRenewal) > settings.leaseMs / 2)
            loseLock(QStringLiteral("the disk lock could not be renewed for %1 ms (%2)")
                         .arg(msSince(lastRenewal))
                         .arg(*error));
    }

    void loseLock(const QString& reason) {
        held = false;
        qCWarning(lcLock).noquote() << settings.name + QStringLiteral(": ") + reason;
        post([reason](DiskLock* o) { emit o->lost(reason); });
    }

    void releaseLock() {
        if (!held)
            return;
        held = false;
        DiskLockRecord now;
        auto result = DiskLockRecord::Result::Empty;
        if (read(&now, &result) || !now.sameClaim(mine))
            return; // not ours any more: nothing to give back
        DiskLockRecord freed;
        freed.clusterId = settings.clusterId;
        freed.epoch = mine.epoch + 1;
        freed.monotonicNs = hb::monotonicNs();
        if (!write(freed))
            qCInfo(lcLock).noquote() << settings.name + QStringLiteral(": disk lock released");
    }

    void run() {
        auto nextTick = Clock::now();
        for (;;) {
            int attemptId = 0, delay = 0;
            bool doRelease = false;
            {
                std::unique_lock lock(mutex);
                wake.wait_until(lock, nextTick, [this] {
                    return stopRequested || requestedAttempt > handledAttempt || releaseRequested;
                });
                if (stopRequested)
                    break;
                if (requestedAttempt > handledAttempt) {
                    attemptId = handledAttempt = requestedAttempt;
                    delay = delayMs;
                }
                doRelease = std::exchange(releaseRequested, false);
            }
            if (doRelease)
                releaseLock();
            if (attemptId) {
                std::pair<bool, QString> r{false, QStringLiteral("the attempt was stopped")};
                if (delay <= 0 || pause(delay))
                    r = abandoned(attemptId) ? r : attempt(attemptId);
                if (r.first && abandoned(attemptId))
                    releaseLock(); // nobody waits for this win any more
                post([attemptId, r](DiskLock* o) { o->finishAttempt(attemptId, r.first, r.second); });
            }
            if (Clock::now() >= nextTick) {
                if (held) {
                    renew();
                } else {
                    DiskLockRecord ignored;
                    auto result = DiskLockRecord::Result::Empty;
                    read(&ignored, &result); // the path check
                }
                nextTick = Clock::now() + milliseconds(held ? settings.renewMs : settings.checkMs);
            }
            if (held)
                nextTick = std::min(nextTick, lastRenewal + milliseconds(settings.renewMs));
        }
        releaseLock();
        closeDevice();
    }
};

DiskLock::DiskLock(Settings settings, QObject* parent) : QObject(parent) {
    // The watch must see at least two renewals, and a claim needs its I/O and wait.
    settings.renewMs = std::max(10, settings.renewMs);
    settings.ioTimeoutMs = std::max(20, settings.ioTimeoutMs);
    settings.leaseMs = std::max(settings.leaseMs, 2 * settings.renewMs + 2 * settings.ioTimeoutMs);
    state_ = std::make_shared<State>(std::move(settings));
    state_->owner = this;
    attemptLimit_.setSingleShot(true);
    connect(&attemptLimit_, &QTimer::timeout, this, [this] {
        {
            std::lock_guard lock(state_->mutex);
            state_->abandonedAttempt = std::max(state_->abandonedAttempt, attempt_);
        }
        finishAttempt(attempt_, false,
                      QStringLiteral("the disk did not answer within %1 ms").arg(attemptLimit_.interval()));
    });
}

DiskLock::~DiskLock() {
    stop();
}

const DiskLock::Settings& DiskLock::settings() const {
    return state_->settings;
}

void DiskLock::start() {
    if (thread_.joinable())
        return;
    {
        std::lock_guard lock(state_->mutex);
        state_->stopRequested = false;
    }
    thread_ = std::thread([s = state_] { s->run(); });
}

void DiskLock::stop() {
    {
        std::lock_guard lock(state_->mutex);
        state_->owner = nullptr;
        state_->stopRequested = true;
    }
    state_->wake.notify_all();
    attemptLimit_.stop();
    done_ = nullptr;
    // The thread frees the lock on its way out; a thread stuck in the disk is left to end when
    // the I/O returns (it owns everything it touches).
    if (thread_.joinable())
        thread_.detach();
    // Later start(): a fresh state, so that the old thread never sees new requests.
    auto settings = state_->settings;
    state_ = std::make_shared<State>(std::move(settings));
    state_->owner = this;
}

int DiskLock::acquireLimitMs() const {
    const auto& s = state_->settings;
    // The watch (lease time plus a last read), the claim's write, wait and reread.
    return s.leaseMs + s.renewMs + 4 * s.ioTimeoutMs;
}

void DiskLock::acquire(int delayMs, Done done) {
    if (done_)
        finishAttempt(attempt_, false, QStringLiteral("replaced by a new attempt"));
    done_ = std::move(done);
    ++attempt_;
    {
        std::lock_guard lock(state_->mutex);
        state_->abandonedAttempt = attempt_ - 1;
        state_->requestedAttempt = attempt_;
        state_->delayMs = std::max(0, delayMs);
    }
    state_->wake.notify_all();
    attemptLimit_.start(acquireLimitMs() + std::max(0, delayMs));
}

void DiskLock::finishAttempt(int attempt, bool won, const QString& reason) {
    if (attempt != attempt_ || !done_)
        return; // an attempt already answered (by its time limit) or replaced
    attemptLimit_.stop();
    auto done = std::exchange(done_, nullptr);
    done(won, reason);
}

void DiskLock::release() {
    {
        std::lock_guard lock(state_->mutex);
        state_->releaseRequested = true;
    }
    state_->wake.notify_all();
}

bool DiskLock::held() const {
    return state_->held;
}

bool DiskLock::healthy() const {
    return state_->healthy;
}

QString DiskLock::lastError() const {
    std::lock_guard lock(state_->mutex);
    return state_->lastError;
}

} // namespace lifeline::np
