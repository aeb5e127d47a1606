#include "KeepaliveClient.h"

#include "keepalive/KeepaliveProtocol.h"
#include "keepalive/SpawnSignals.h"

#include <QCoreApplication>
#include <QDeadlineTimer>
#include <QFile>
#include <QFileInfo>
#include <QSocketNotifier>
#include <QThread>

#include <cerrno>
#include <climits>
#include <csignal>
#include <cstring>
#include <fcntl.h>
#include <linux/watchdog.h>
#include <poll.h>
#include <spawn.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <vector>

extern char** environ;

namespace lifeline::monitors {

namespace {

constexpr int kChildFd = 3; // the supervisor's --fd

QString errnoText(int error) {
    return QString::fromLocal8Bit(std::strerror(error));
}

QString describeStatus(int code) {
    using namespace lifeline::keepalive;
    if (code == INT_MIN)
        return QStringLiteral("is still running");
    if (code < 0)
        return QStringLiteral("was killed by signal %1").arg(-code);
    switch (code) {
    case kExitStopped: return QStringLiteral("stopped");
    case kExitUsage: return QStringLiteral("refused its arguments (status 2)");
    case kExitActed: return QStringLiteral("performed its final action (status 3)");
    case kExitActionFailed: return QStringLiteral("could not perform its final action (status 4)");
    }
    return QStringLiteral("ended with status %1").arg(code);
}

} // namespace

KeepaliveClient::KeepaliveClient(QObject* parent) : QObject(parent) {
    connect(&timer_, &QTimer::timeout, this, [this] { pet(); });
}

KeepaliveClient::~KeepaliveClient() {
    stop();
}

bool KeepaliveClient::parseMethod(const QString& text, Method* method) {
    const QString word = text.trimmed().toLower();
    Method parsed;
    if (word == QLatin1String("keepalive"))
        parsed = Method::Keepalive;
    else if (word == QLatin1String("softdog"))
        parsed = Method::Softdog;
    else if (word == QLatin1String("none"))
        parsed = Method::None;
    else
        return false;
    if (method)
        *method = parsed;
    return true;
}

QString KeepaliveClient::defaultSupervisorPath() {
    const QString beside = QCoreApplication::applicationDirPath() + QStringLiteral("/lifeline-keepalive");
    if (QFileInfo(beside).isExecutable())
        return beside;
#ifdef LIFELINE_KEEPALIVE_BUILD_PATH
    return QStringLiteral(LIFELINE_KEEPALIVE_BUILD_PATH);
#else
    return beside;
#endif
}

bool KeepaliveClient::start(const Settings& settings, QString* error) {
    auto fail = [error](const QString& message) {
        if (error)
            *error = message;
        return false;
    };
    if (active_)
        return fail(QStringLiteral("userw supervision is already running"));
    if (pid_ > 0)
        reap(0); // a supervisor that ended earlier
    if (settings.method == Method::None) {
        settings_ = settings;
        return true;
    }
    if (settings.timeoutMs <= 0)
        return fail(QStringLiteral("the userw timeout must be positive, not %1 ms").arg(settings.timeoutMs));
    if (settings.intervalMs >= settings.timeoutMs)
        return fail(QStringLiteral("the userw interval (%1 ms) must be shorter than its timeout (%2 ms)")
                        .arg(settings.intervalMs)
                        .arg(settings.timeoutMs));
    static const QStringList actions = {QStringLiteral("reset"), QStringLiteral("panic"),
                                        QStringLiteral("shutdown"), QStringLiteral("reboot")};
    if (settings.method == Method::Keepalive && !actions.contains(settings.action))
        return fail(QStringLiteral("the userw action must be reset, panic, shutdown or reboot, not \"%1\"")
                        .arg(settings.action));
    settings_ = settings;
    const bool started = settings.method == Method::Softdog ? startSoftdog(error) : startKeepalive(error);
    if (!started)
        return false;
    active_ = true;
    pet();
    if (settings_.intervalMs > 0)
        timer_.start(settings_.intervalMs);
    return true;
}

bool KeepaliveClient::startKeepalive(QString* error) {
    const QString path = settings_.supervisorPath.isEmpty() ? defaultSupervisorPath() : settings_.supervisorPath;
    if (!QFileInfo(path).isExecutable()) {
        if (error)
            *error = QStringLiteral("the keepalive supervisor %1 is missing or not executable").arg(path);
        return false;
    }
    // Both ends close-on-exec: only the supervisor's dup onto fd 3 survives its exec, and no
    // other child of lifelined holds a copy that would hide lifelined's death.
    int ends[2];
    if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, ends) != 0) {
        if (error)
            *error = QStringLiteral("socketpair: %1").arg(errnoText(errno));
        return false;
    }
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    // dup2 onto itself (ends[1] == 3) clears close-on-exec as well (glibc >= 2.29).
    posix_spawn_file_actions_adddup2(&actions, ends[1], kChildFd);
    posix_spawnattr_t attr;
    posix_spawnattr_init(&attr);
    // lifelined blocks SIGTERM/SIGINT for its signalfd; the supervisor must not inherit that.
    keepalive::resetSpawnSignals(&attr);

    const QByteArray program = QFile::encodeName(path);
    QList<QByteArray> args = {program,
                              "--timeout", QByteArray::number(settings_.timeoutMs),
                              "--action", settings_.action.toUtf8(),
                              "--power", settings_.power.isEmpty() ? QByteArray("real") : settings_.power.toUtf8(),
                              "--fd", QByteArray::number(kChildFd)};
    std::vector<char*> argv;
    for (auto& arg : args)
        argv.push_back(arg.data());
    argv.push_back(nullptr);
    pid_t pid = -1;
    const int rc = ::posix_spawn(&pid, program.constData(), &actions, &attr, argv.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    posix_spawnattr_destroy(&attr);
    ::close(ends[1]);
    if (rc != 0) {
        ::close(ends[0]);
        if (error)
            *error = QStringLiteral("cannot start %1: %2").arg(path, errnoText(rc));
        return false;
    }
    pid_ = pid;
    fd_ = ends[0];
    ::fcntl(fd_, F_SETFL, ::fcntl(fd_, F_GETFL) | O_NONBLOCK);
    // The supervisor never writes: readable means it ended (end of file).
    notifier_ = new QSocketNotifier(fd_, QSocketNotifier::Read, this);
    connect(notifier_, &QSocketNotifier::activated, this, &KeepaliveClient::onChannelEvent);
    return true;
}

bool KeepaliveClient::startSoftdog(QString* error) {
    if (settings_.power.startsWith(QLatin1String("sandbox:"))) {
        if (error)
            *error = QStringLiteral("userw method softdog would reset the real machine; it is not "
                                    "available with --power %1 (use keepalive)")
                         .arg(settings_.power);
        return false;
    }
    const QByteArray device = QFile::encodeName(settings_.watchdogDevice);
    const int fd = ::open(device.constData(), O_WRONLY | O_CLOEXEC);
    if (fd < 0) {
        if (error)
            *error = QStringLiteral("userw method softdog: %1: %2 (load the softdog module, or use "
                                    "method keepalive)")
                         .arg(settings_.watchdogDevice, errnoText(errno));
        return false;
    }
    int seconds = (settings_.timeoutMs + 999) / 1000;
    if (::ioctl(fd, WDIOC_SETTIMEOUT, &seconds) != 0)
        qWarning("userw: %s keeps its own timeout (WDIOC_SETTIMEOUT: %s)", device.constData(),
                 std::strerror(errno));
    fd_ = fd;
    return true;
}

bool KeepaliveClient::pet() {
    if (!active_ || fd_ < 0)
        return false;
    if (settings_.method == Method::Softdog) {
        const char byte = keepalive::kPet; // anything but the magic 'V'
        return ::write(fd_, &byte, 1) == 1;
    }
    const ssize_t n = ::send(fd_, &keepalive::kPet, 1, MSG_NOSIGNAL | MSG_DONTWAIT);
    if (n == 1 || (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)))
        return true; // a full buffer holds pets enough
    if (n < 0 && errno == EINTR)
        return pet();
    onChannelEvent(); // EPIPE/ECONNRESET: the supervisor is gone
    return false;
}

void KeepaliveClient::onChannelEvent() {
    if (fd_ < 0 || settings_.method != Method::Keepalive)
        return;
    char buffer[64];
    const ssize_t n = ::recv(fd_, buffer, sizeof buffer, MSG_DONTWAIT);
    if (n > 0 || (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)))
        return;
    // End of file or an error: the supervisor's end is closed, so it is exiting.
    timer_.stop();
    active_ = false;
    closeChannel();
    const int code = reap(1000);
    emit supervisorEnded(code == INT_MIN ? -1 : code,
                         QStringLiteral("lifeline-keepalive %1").arg(describeStatus(code)));
}

int KeepaliveClient::reap(int waitMs) {
    if (pid_ <= 0)
        return INT_MIN;
    QDeadlineTimer deadline(waitMs);
    for (;;) {
        int status = 0;
        const pid_t r = ::waitpid(pid_t(pid_), &status, WNOHANG);
        if (r == pid_t(pid_)) {
            pid_ = 0;
            if (WIFEXITED(status))
                return WEXITSTATUS(status);
            return WIFSIGNALED(status) ? -WTERMSIG(status) : -1;
        }
        if (r < 0 && errno != EINTR) { // not our child any more (reaped elsewhere)
            pid_ = 0;
            return -1;
        }
        if (deadline.hasExpired())
            return INT_MIN;
        QThread::msleep(5);
    }
}

void KeepaliveClient::closeChannel() {
    delete notifier_;
    notifier_ = nullptr;
    if (fd_ >= 0)
        ::close(fd_);
    fd_ = -1;
}

bool KeepaliveClient::stop(int waitMs, QString* error) {
    timer_.stop();
    const bool wasActive = active_;
    active_ = false;
    if (settings_.method == Method::Softdog) {
        if (fd_ >= 0) {
            const char magic = 'V'; // magic close: the watchdog is disarmed on close
            const bool written = ::write(fd_, &magic, 1) == 1;
            closeChannel();
            if (!written) {
                if (error)
                    *error = QStringLiteral("%1: cannot write the magic close: %2")
                                 .arg(settings_.watchdogDevice, errnoText(errno));
                return false;
            }
        }
        return true;
    }
    if (!wasActive && pid_ <= 0)
        return true;
    if (fd_ >= 0) {
        pollfd pfd{fd_, POLLOUT, 0};
        if (::poll(&pfd, 1, waitMs) == 1 && (pfd.revents & POLLOUT))
            ::send(fd_, &keepalive::kStop, 1, MSG_NOSIGNAL | MSG_DONTWAIT);
        closeChannel();
    }
    int code = reap(waitMs);
    QString problem;
    if (code == INT_MIN) {
        // It did not take the stop: it must not act later on its own.
        ::kill(pid_t(pid_), SIGKILL);
        code = reap(5000);
        problem = QStringLiteral("lifeline-keepalive did not stop within %1 ms and was killed").arg(waitMs);
    } else if (code != keepalive::kExitStopped) {
        problem = QStringLiteral("lifeline-keepalive %1").arg(describeStatus(code));
    }
    if (!problem.isEmpty() && error)
        *error = problem;
    return problem.isEmpty();
}

} // namespace lifeline::monitors
