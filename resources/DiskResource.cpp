#include "DiskResource.h"

#include "BlockDevice.h"
#include "ChildSignals.h"
#include "Schema.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QStandardPaths>

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstring>
#include <sys/mount.h>

namespace lifeline::resources {

namespace {

QString errnoText(int error) {
    return QString::fromLocal8Bit(std::strerror(error));
}

QString seconds(int ms) {
    return QString::number(ms / 1000.0, 'g', 6) + QStringLiteral(" s");
}

// fsck tools live in /sbin, which a service's PATH may lack.
QString findTool(const QString& name) {
    QString path = QStandardPaths::findExecutable(name);
    if (path.isEmpty())
        path = QStandardPaths::findExecutable(
            name, {QStringLiteral("/usr/sbin"), QStringLiteral("/sbin")});
    return path.isEmpty() ? name : path;
}

struct OptionFlag {
    const char* name;
    unsigned long flag;
    bool set; // false: the option clears the flag ("rw", "exec", ...)
};
constexpr OptionFlag kOptionFlags[] = {
    {"defaults", 0, true},
    {"ro", MS_RDONLY, true},
    {"rw", MS_RDONLY, false},
    {"nosuid", MS_NOSUID, true},
    {"suid", MS_NOSUID, false},
    {"nodev", MS_NODEV, true},
    {"dev", MS_NODEV, false},
    {"noexec", MS_NOEXEC, true},
    {"exec", MS_NOEXEC, false},
    {"sync", MS_SYNCHRONOUS, true},
    {"async", MS_SYNCHRONOUS, false},
    {"dirsync", MS_DIRSYNC, true},
    {"mand", MS_MANDLOCK, true},
    {"nomand", MS_MANDLOCK, false},
    {"noatime", MS_NOATIME, true},
    {"atime", MS_NOATIME, false},
    {"nodiratime", MS_NODIRATIME, true},
    {"diratime", MS_NODIRATIME, false},
    {"relatime", MS_RELATIME, true},
    {"norelatime", MS_RELATIME, false},
    {"strictatime", MS_STRICTATIME, true},
    {"lazytime", MS_LAZYTIME, true},
    {"nolazytime", MS_LAZYTIME, false},
};

} // namespace

DiskResource::MountOptions DiskResource::parseMountOptions(const QString& options) {
    MountOptions result;
    QStringList data;
    for (QString option : options.split(QLatin1Char(','), Qt::SkipEmptyParts)) {
        option = option.trimmed();
        const auto* known =
            std::find_if(std::begin(kOptionFlags), std::end(kOptionFlags),
                         [&](const OptionFlag& f) { return option == QLatin1String(f.name); });
        if (known == std::end(kOptionFlags))
            data << option;
        else if (known->set)
            result.flags |= known->flag;
        else
            result.flags &= ~known->flag;
    }
    result.data = data.join(QLatin1Char(','));
    return result;
}

DiskResource::DiskResource(ResourceContext context, QObject* parent)
    : ResourceDriver(std::move(context), parent) {
    mountPoint_ = QDir::cleanPath(param("mount/point").trimmed());
    jobTimeout_.setSingleShot(true);
    retry_.setSingleShot(true);
    poll_.setInterval(kPollMs);
    connect(&poll_, &QTimer::timeout, this, &DiskResource::pollHolders);
}

DiskResource::~DiskResource() {
    stopJob();
    if (fsck_) {
        fsck_->disconnect(this);
        fsck_->kill();
    }
}

// K::Seconds parameters within the schema's range, else the schema default.
int DiskResource::durationMs(const char* key) const {
    const auto* spec = config::schema::parameterSpec(config::schema::ObjectClass::Resource,
                                                     QStringLiteral("disk"), QLatin1String(key));
    bool ok = false;
    const double ms = param(key).trimmed().toDouble(&ok) * 1000.0;
    if (ok && spec && ms >= double(spec->min) && ms <= double(spec->max))
        return int(ms);
    return spec ? int(QString::fromLatin1(spec->defaultValue).toDouble() * 1000.0) : 60000;
}

int DiskResource::count(const char* key) const {
    bool ok = false;
    const int n = param(key).trimmed().toInt(&ok);
    return ok && n >= 0 ? n : 0;
}

bool DiskResource::guardsReadOnly() const {
    return param("disktype").trimmed() == QLatin1String("disk");
}

QString DiskResource::validate() const {
    const QString type = param("disktype").trimmed();
    if (type == QLatin1String("raw"))
        return QStringLiteral("disktype raw is not supported (no file system to mount)");
    const QString fs = param("fs").trimmed();
    if (fs != QLatin1String("ext3") && fs != QLatin1String("ext4") && fs != QLatin1String("xfs"))
        return QStringLiteral("file system \"%1\" is not supported (ext3, ext4, xfs)").arg(fs);
    if (!QDir::isAbsolutePath(mountPoint_) || mountPoint_ == QLatin1String("/"))
        return QStringLiteral("mount point \"%1\" is not an absolute path below /")
            .arg(param("mount/point"));
    return {};
}

QString DiskResource::resolveNode(QString* error) const {
    if (node_.isEmpty() || !BlockDevice::deviceNumber(node_, nullptr))
        node_ = BlockDevice::resolve(param("device"), error);
    return node_;
}

// Read-only again once nothing has the device mounted; `note` gets what went wrong.
void DiskResource::protect(QString* note) {
    if (!guardsReadOnly() || node_.isEmpty() || !BlockDevice::mountsOf(device_).isEmpty())
        return;
    QString error;
    if (!BlockDevice::setReadOnly(node_, true, &error)) {
        qWarning("disk %s: %s", qPrintable(context().resource.name), qPrintable(error));
        if (note)
            *note = QStringLiteral(" (but it could not be set read-only: %1)").arg(error);
    }
}

bool DiskResource::protectInactive(QString* error) {
    if (!guardsReadOnly())
        return true;
    const QString node = resolveNode(error);
    const auto device = node.isEmpty() ? std::nullopt : BlockDevice::deviceNumber(node, error);
    if (!device)
        return false;
    if (!BlockDevice::mountsOf(*device).isEmpty())
        return true; // in use here: making it read-only would break the mount
    return BlockDevice::setReadOnly(node, true, error);
}

QStringList DiskResource::fsckCommand(const QString& node) const {
    const QString timing = param("fsck/timing").trimmed();
    if (timing == QLatin1String("never"))
        return {};
    const bool always = timing == QLatin1String("always");
    if (param("fs").trimmed() == QLatin1String("xfs")) {
        // XFS replays its log at mount and has no "needs checking" state;
        // `always` runs a check that changes nothing.
        if (!always)
            return {};
        return {findTool(QStringLiteral("xfs_repair")), QStringLiteral("-n"), node};
    }
    // -p (preen) checks only a file system that needs it: not cleanly
    // unmounted, errors recorded, or past its max mount count / check interval.
    QStringList command{findTool(QStringLiteral("e2fsck")), QStringLiteral("-p")};
    if (always)
        command << QStringLiteral("-f");
    return command << node;
}

// ---- activation

void DiskResource::activate(ResourceEvent, Done done) {
    if (activateDone_ || deactivateDone_) {
        done(false, QStringLiteral("disk %1: an activation or deactivation is already in progress")
                        .arg(context().resource.name));
        return;
    }
    activateDone_ = std::move(done);
    fsckNote_.clear();
    QString error = validate();
    if (!error.isEmpty())
        return finishActivation(false, error);
    // Resolve afresh (device names may have moved since the last time), on a worker:
    // a UUID= or LABEL= name may need the devices probed, never on the event loop.
    struct Resolved {
        QString node;
        QString error;
    };
    auto resolved = std::make_shared<Resolved>();
    BlockDevice::runDetached([spec = param("device"), resolved] {
        resolved->node = BlockDevice::resolve(spec, &resolved->error);
        return 0;
    }).then(this, [this, resolved, activation = ++activations_](int) {
        if (activation != activations_ || !activateDone_)
            return; // aborted by a deactivation, or overtaken
        if (resolved->node.isEmpty())
            return finishActivation(false, resolved->error);
        node_ = resolved->node;
        activateResolved();
    });
}

void DiskResource::activateResolved() {
    QString error;
    const auto number = BlockDevice::deviceNumber(node_, &error);
    if (!number)
        return finishActivation(false, error);
    device_ = *number;
    if (const auto mounts = BlockDevice::mountsOf(device_); !mounts.isEmpty())
        return finishActivation(false,
                                QStringLiteral("%1 is already mounted on %2; activation refused")
                                    .arg(node_, BlockDevice::mountPoints(mounts)));
    if (const auto other = BlockDevice::mountAt(mountPoint_))
        return finishActivation(
            false,
            QStringLiteral("mount point %1 is in use by %2").arg(mountPoint_, other->source));
    if (guardsReadOnly() && !BlockDevice::setReadOnly(node_, false, &error))
        return finishActivation(false, error);
    if (!QDir().mkpath(mountPoint_))
        return finishActivation(false,
                                QStringLiteral("cannot create mount point %1").arg(mountPoint_));
    startFsck();
}

void DiskResource::startFsck() {
    const QStringList command = fsckCommand(node_);
    if (command.isEmpty())
        return startMount();
    fsck_ = new QProcess(this);
    fsck_->setProgram(command.first());
    fsck_->setArguments(command.mid(1));
    fsck_->setProcessChannelMode(QProcess::MergedChannels);
    fsck_->setStandardInputFile(QProcess::nullDevice());
    prepareChild(*fsck_, /*ownSession=*/false);
    connect(fsck_, &QProcess::finished, this, &DiskResource::onFsckFinished);
    connect(fsck_, &QProcess::errorOccurred, this, [this](QProcess::ProcessError e) {
        if (e == QProcess::FailedToStart && fsck_) {
            jobTimeout_.stop();
            const QString program = fsck_->program();
            fsck_->deleteLater();
            finishActivation(
                false, QStringLiteral("cannot run %1: %2").arg(program, fsck_->errorString()));
        }
    });
    jobTimeout_.disconnect();
    connect(&jobTimeout_, &QTimer::timeout, fsck_, [this] {
        const QString program = QFileInfo(fsck_->program()).fileName();
        fsck_->disconnect(this);
        fsck_->kill();
        fsck_->deleteLater();
        finishActivation(false, QStringLiteral("%1 on %2 timed out after %3")
                                    .arg(program, node_, seconds(durationMs("fsck/timeout"))));
    });
    jobTimeout_.start(durationMs("fsck/timeout"));
    fsck_->start();
}

void DiskResource::onFsckFinished(int exitCode, QProcess::ExitStatus status) {
    jobTimeout_.stop();
    const QString program = QFileInfo(fsck_->program()).fileName();
    const QString output = QString::fromLocal8Bit(fsck_->readAll()).trimmed();
    fsck_->deleteLater();
    // e2fsck: 1 = errors corrected, 2 = corrected, reboot advised (for a root file system).
    const bool ext = program == QLatin1String("e2fsck");
    const bool ok = status == QProcess::NormalExit && (exitCode == 0 || (ext && exitCode <= 2));
    if (!ok) {
        const QString last = output.section(QLatin1Char('\n'), -1);
        return finishActivation(false,
                                QStringLiteral("%1 on %2 failed (%3)%4")
                                    .arg(program, node_,
                                         status == QProcess::NormalExit
                                             ? QStringLiteral("exit code %1").arg(exitCode)
                                             : QStringLiteral("crashed"),
                                         last.isEmpty() ? QString() : QStringLiteral(": ") + last));
    }
    if (exitCode != 0)
        fsckNote_ = QStringLiteral("; %1 corrected errors").arg(program);
    startMount();
}

void DiskResource::startMount() {
    ++attempts_;
    const MountOptions options = parseMountOptions(param("mount/option"));
    const QByteArray source = QFile::encodeName(node_);
    const QByteArray target = QFile::encodeName(mountPoint_);
    const QByteArray type = param("fs").trimmed().toLatin1();
    const QByteArray data = options.data.toLocal8Bit();
    const int timeoutMs = durationMs("mount/timeout");
    runJob(
        [=] {
            return ::mount(source.constData(), target.constData(), type.constData(), options.flags,
                           data.isEmpty() ? nullptr : data.constData()) == 0
                       ? 0
                       : errno;
        },
        timeoutMs, [this](int error) { onMounted(error); },
        [this, timeoutMs] {
            finishActivation(false, QStringLiteral("mounting %1 on %2 timed out after %3")
                                        .arg(node_, mountPoint_, seconds(timeoutMs)));
        });
}

void DiskResource::onMounted(int error) {
    if (error == 0)
        return finishActivation(true,
                                QStringLiteral("%1 mounted on %2 (%3)%4")
                                    .arg(node_, mountPoint_, param("fs").trimmed(), fsckNote_));
    if (attempts_ <= count("mount/retry")) {
        retry_.disconnect();
        connect(&retry_, &QTimer::timeout, this, &DiskResource::startMount);
        retry_.start(kRetryDelayMs);
        return;
    }
    finishActivation(false, QStringLiteral("cannot mount %1 on %2 as %3: %4 (%5 attempt(s))")
                                .arg(node_, mountPoint_, param("fs").trimmed(), errnoText(error))
                                .arg(attempts_));
}

void DiskResource::finishActivation(bool ok, const QString& reason) {
    Done done = std::move(activateDone_);
    activateDone_ = nullptr;
    attempts_ = 0;
    retry_.stop();
    if (!ok && !deactivateDone_)
        protect(nullptr);
    if (done)
        done(ok, reason); // last: the callback may delete this driver
}

// ---- deactivation

void DiskResource::deactivate(ResourceEvent, Done done) {
    if (deactivateDone_) {
        done(false, QStringLiteral("disk %1: a deactivation is already in progress")
                        .arg(context().resource.name));
        return;
    }
    deactivateDone_ = std::move(done);
    if (!activateDone_)
        return startUnmount();
    if (fsck_) {
        jobTimeout_.stop();
        fsck_->disconnect(this);
        fsck_->kill();
        fsck_->deleteLater();
    }
    const bool mounting = job_ != nullptr;
    if (mounting) {
        // The mount(2) in flight must end before we can unmount what it did;
        // mount/timeout keeps running for it.
        then_ = [this](int) { startUnmount(); };
        jobTimeout_.disconnect();
        connect(&jobTimeout_, &QTimer::timeout, this, [this] {
            stopJob();
            finishDeactivation(false,
                               QStringLiteral("mounting %1 on %2 did not end within mount/timeout; "
                                              "cannot unmount")
                                   .arg(node_, mountPoint_));
        });
    }
    finishActivation(false, QStringLiteral("activation of %1 aborted by deactivation").arg(node_));
    if (!mounting)
        startUnmount();
}

void DiskResource::startUnmount() {
    attempts_ = 0;
    killed_.clear();
    // A device that can no longer be resolved (disk gone) keeps the number it
    // had at activation, so that its mount is still found and unmounted.
    QString error;
    if (validate().isEmpty() && !resolveNode(&error).isEmpty())
        device_ = *BlockDevice::deviceNumber(node_, nullptr);
    const auto top = BlockDevice::mountAt(mountPoint_);
    if (device_ == 0 || !top || top->device != device_) {
        QString note;
        protect(&note);
        return finishDeactivation(
            true, QStringLiteral("%1 was not mounted on %2%3")
                      .arg(node_.isEmpty() ? param("device") : node_, mountPoint_, note));
    }
    tryUnmount();
}

void DiskResource::tryUnmount() {
    ++attempts_;
    const QByteArray target = QFile::encodeName(mountPoint_);
    const int timeoutMs = durationMs("umount/timeout");
    runJob([target] { return ::umount2(target.constData(), 0) == 0 ? 0 : errno; }, timeoutMs,
           [this](int error) { onUnmounted(error); },
           [this, timeoutMs] {
               finishDeactivation(false, QStringLiteral("unmounting %1 timed out after %2")
                                             .arg(mountPoint_, seconds(timeoutMs)));
           });
}

void DiskResource::onUnmounted(int error) {
    if (error == 0) {
        if (const auto top = BlockDevice::mountAt(mountPoint_); top && top->device == device_)
            return tryUnmount(); // it was mounted there more than once
        QString note;
        protect(&note);
        const QString killed =
            killed_.isEmpty()
                ? QString()
                : QStringLiteral(" after killing %1").arg(killed_.join(QStringLiteral(", ")));
        return finishDeactivation(
            true, QStringLiteral("%1 unmounted from %2%3%4").arg(node_, mountPoint_, killed, note));
    }
    if (error == EBUSY && attempts_ <= count("umount/retry")) {
        if (param("umount/action").trimmed() == QLatin1String("kill") &&
            !BlockDevice::holders(device_).isEmpty()) {
            killSignal_ = 0;
            killClock_.start();
            pollHolders(); // sends SIGTERM now
            poll_.start();
            return;
        }
        retry_.disconnect();
        connect(&retry_, &QTimer::timeout, this, &DiskResource::tryUnmount);
        retry_.start(kRetryDelayMs);
        return;
    }
    const auto holders = BlockDevice::holders(device_);
    finishDeactivation(
        false, QStringLiteral("cannot unmount %1: %2%3")
                   .arg(mountPoint_, errnoText(error),
                        holders.isEmpty()
                            ? QString()
                            : QStringLiteral(" (held by %1)").arg(BlockDevice::describe(holders))));
}

// SIGTERM the holders, SIGKILL what is left after kKillGraceMs, then unmount
// once they are gone or after another grace period (a process stuck in the
// kernel cannot be waited for).
void DiskResource::pollHolders() {
    const auto holders = BlockDevice::holders(device_);
    const bool graceOver = killClock_.elapsed() >= kKillGraceMs;
    if (holders.isEmpty() || (graceOver && killSignal_ == SIGKILL)) {
        poll_.stop();
        return tryUnmount();
    }
    if (killSignal_ == 0 || (graceOver && killSignal_ == SIGTERM)) {
        killSignal_ = killSignal_ == 0 ? SIGTERM : SIGKILL;
        killClock_.restart();
        for (const auto& h : holders) {
            ::kill(pid_t(h.pid), killSignal_);
            const QString who = BlockDevice::describe({h});
            if (!killed_.contains(who))
                killed_ << who;
        }
        qWarning("disk %s: %s holds %s: sent %s", qPrintable(context().resource.name),
                 qPrintable(BlockDevice::describe(holders)), qPrintable(mountPoint_),
                 killSignal_ == SIGTERM ? "SIGTERM" : "SIGKILL");
    }
}

void DiskResource::finishDeactivation(bool ok, const QString& reason) {
    poll_.stop();
    retry_.stop();
    attempts_ = 0;
    Done done = std::move(deactivateDone_);
    deactivateDone_ = nullptr;
    if (done)
        done(ok, reason);
}

// ---- blocking calls on a worker thread

void DiskResource::runJob(std::function<int()> call, int timeoutMs, std::function<void(int)> then,
                          std::function<void()> onTimeout) {
    stopJob();
    then_ = std::move(then);
    job_ = new QFutureWatcher<int>(this);
    connect(job_, &QFutureWatcher<int>::finished, this, [this] {
        jobTimeout_.stop();
        const int error = job_->result();
        auto then = std::move(then_);
        then_ = nullptr;
        job_->deleteLater();
        job_ = nullptr;
        if (then)
            then(error);
    });
    jobTimeout_.disconnect();
    connect(&jobTimeout_, &QTimer::timeout, this, [this, onTimeout] {
        stopJob(); // the thread goes on alone; its result is dropped
        onTimeout();
    });
    jobTimeout_.start(timeoutMs);
    job_->setFuture(BlockDevice::runDetached(std::move(call)));
}

void DiskResource::stopJob() {
    jobTimeout_.stop();
    if (job_) {
        job_->disconnect(this);
        job_->deleteLater();
        job_ = nullptr;
    }
    then_ = nullptr;
}

// ---- state

ResourceState DiskResource::observe(QString* reason) const {
    QString why = validate();
    ResourceState state = ResourceState::Offline;
    const QString node = why.isEmpty() ? resolveNode(&why) : QString();
    const auto device = node.isEmpty() ? std::nullopt : BlockDevice::deviceNumber(node, &why);
    const QString mountPoint = BlockDevice::canonicalPath(mountPoint_);
    if (!validate().isEmpty()) {
        state = ResourceState::Error;
    } else if (!device) {
        if (const auto top = BlockDevice::mountAt(mountPoint_)) {
            why = QStringLiteral("%1 is mounted on %2, but the device: %3")
                      .arg(top->source, mountPoint_, why);
            state = ResourceState::Error;
        }
    } else if (const auto mounts = BlockDevice::mountsOf(*device); mounts.isEmpty()) {
        why = QStringLiteral("%1 is not mounted").arg(node);
    } else if (std::any_of(mounts.begin(), mounts.end(), [&](const BlockDevice::Mount& m) {
                   return m.mountPoint == mountPoint;
               })) {
        why = QStringLiteral("%1 is mounted on %2").arg(node, mountPoint_);
        state = ResourceState::Online;
    } else {
        why = QStringLiteral("%1 is mounted on %2, not on %3")
                  .arg(node, BlockDevice::mountPoints(mounts), mountPoint_);
        state = ResourceState::Error;
    }
    if (reason)
        *reason = why;
    return state;
}

} // namespace lifeline::resources
