#include "Supervisor.h"

#include "KeepaliveProtocol.h"

#include <cerrno>
#include <climits>
#include <csignal>
#include <cstdarg>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

namespace lifeline::keepalive {

namespace {

void log(const char* format, ...) __attribute__((format(printf, 1, 2)));
void log(const char* format, ...) {
    char line[1024];
    int used = std::snprintf(line, sizeof line, "lifeline-keepalive[%d]: ", int(::getpid()));
    va_list args;
    va_start(args, format);
    std::vsnprintf(line + used, sizeof line - size_t(used) - 1, format, args);
    va_end(args);
    std::strcat(line, "\n");
    // One write(2): lines from several processes on one stderr do not interleave.
    [[maybe_unused]] const ssize_t written = ::write(STDERR_FILENO, line, std::strlen(line));
}

long long nowMs() {
    timespec ts{};
    ::clock_gettime(CLOCK_MONOTONIC, &ts);
    return static_cast<long long>(ts.tv_sec) * 1000 + ts.tv_nsec / 1000000;
}

timespec nowTs() {
    timespec ts{};
    ::clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts;
}

timespec addMs(timespec t, int ms) {
    t.tv_sec += ms / 1000;
    t.tv_nsec += static_cast<long>(ms % 1000) * 1000000L;
    if (t.tv_nsec >= 1000000000L) {
        t.tv_sec += 1;
        t.tv_nsec -= 1000000000L;
    }
    return t;
}

// deadline - now, or nothing when the deadline has passed.
std::optional<timespec> remaining(const timespec& deadline) {
    const timespec now = nowTs();
    timespec left{deadline.tv_sec - now.tv_sec, deadline.tv_nsec - now.tv_nsec};
    if (left.tv_nsec < 0) {
        left.tv_sec -= 1;
        left.tv_nsec += 1000000000L;
    }
    if (left.tv_sec < 0 || (left.tv_sec == 0 && left.tv_nsec == 0))
        return std::nullopt;
    return left;
}

std::optional<int> parseInt(const std::string& text, int min) {
    if (text.empty())
        return std::nullopt;
    char* end = nullptr;
    errno = 0;
    const long value = std::strtol(text.c_str(), &end, 10);
    if (errno != 0 || *end != '\0' || value < min || value > INT_MAX)
        return std::nullopt;
    return int(value);
}

void closeInheritedExcept(int keep) {
    // Nothing inherited by mistake (above all a copy of lifelined's end of the channel,
    // which would hide lifelined's death) stays open here.
    if (keep > 3)
        ::close_range(3, unsigned(keep) - 1, 0);
    ::close_range(unsigned(keep < 3 ? 3 : keep + 1), ~0U, 0);
}

} // namespace

std::optional<Options> Options::parse(int argc, char** argv, std::string* error) {
    Options options;
    bool haveTimeout = false, haveFd = false;
    auto fail = [error](const std::string& message) -> std::optional<Options> {
        if (error)
            *error = message;
        return std::nullopt;
    };
    for (int i = 1; i < argc; ++i) {
        std::string name = argv[i];
        std::string value;
        if (const auto eq = name.find('='); name.rfind("--", 0) == 0 && eq != std::string::npos) {
            value = name.substr(eq + 1);
            name.resize(eq);
        } else if (name == "--timeout" || name == "--action" || name == "--power" || name == "--fd") {
            if (i + 1 >= argc)
                return fail(name + " needs a value");
            value = argv[++i];
        } else {
            return fail("unknown argument \"" + name + "\"");
        }
        if (name == "--timeout") {
            const auto ms = parseInt(value, 1);
            if (!ms)
                return fail("--timeout must be a positive number of milliseconds, not \"" + value + "\"");
            options.timeoutMs = *ms;
            haveTimeout = true;
        } else if (name == "--action") {
            const auto action = parseAction(value);
            if (!action)
                return fail("--action must be reset, panic, shutdown or reboot, not \"" + value + "\"");
            options.action = *action;
        } else if (name == "--power") {
            const auto power = Power::parse(value);
            if (!power)
                return fail("--power must be \"real\" or \"sandbox:COMMAND\", not \"" + value + "\"");
            options.power = *power;
        } else if (name == "--fd") {
            const auto fd = parseInt(value, 0);
            if (!fd)
                return fail("--fd must be a descriptor number, not \"" + value + "\"");
            options.fd = *fd;
            haveFd = true;
        } else {
            return fail("unknown argument \"" + name + "\"");
        }
    }
    if (!haveTimeout || !haveFd)
        return fail("--timeout and --fd are required");
    struct stat st{};
    if (::fstat(options.fd, &st) != 0 || !(S_ISSOCK(st.st_mode) || S_ISFIFO(st.st_mode)))
        return fail("--fd " + std::to_string(options.fd) + " is not an open socket or pipe");
    return options;
}

void Supervisor::prepare() {
    closeInheritedExcept(options_.fd);
    ::fcntl(options_.fd, F_SETFD, FD_CLOEXEC); // not into the sandbox power command

    // Whatever lifelined blocked (it takes SIGTERM through a signalfd) is not blocked here.
    sigset_t none;
    sigemptyset(&none);
    ::sigprocmask(SIG_SETMASK, &none, nullptr);
    // Ctrl-C or a hang-up of lifelined's terminal must not take the supervisor away before
    // lifelined stops it; SIGTERM (systemd stopping the unit) still ends it without action.
    ::signal(SIGINT, SIG_IGN);
    ::signal(SIGHUP, SIG_IGN);
    ::signal(SIGPIPE, SIG_IGN);

    std::string memory = "memory locked";
#if defined(__SANITIZE_ADDRESS__)
    // The sanitizer's terabytes of shadow mappings must not be locked.
    memory = "memory not locked (AddressSanitizer build)";
#else
    if (::mlockall(MCL_CURRENT | MCL_FUTURE) != 0)
        memory = std::string("memory not locked (mlockall: ") + std::strerror(errno) + ")";
#endif
    std::string scheduling;
    sched_param param{};
    param.sched_priority = ::sched_get_priority_max(SCHED_FIFO);
    // Children (the sandbox power command, the bounded sync) run at normal priority.
    if (::sched_setscheduler(0, SCHED_FIFO | SCHED_RESET_ON_FORK, &param) == 0)
        scheduling = "SCHED_FIFO " + std::to_string(param.sched_priority);
    else
        scheduling = std::string("not real-time (SCHED_FIFO: ") + std::strerror(errno) + ")";

    log("supervising lifelined on fd %d: timeout %d ms, action %s, power %s; %s; %s", options_.fd,
        options_.timeoutMs, actionName(options_.action),
        options_.power.sandbox ? "sandbox" : "real", memory.c_str(), scheduling.c_str());
}

int Supervisor::run() {
    timespec deadline = addMs(nowTs(), options_.timeoutMs);
    long long lastPetMs = nowMs();
    for (;;) {
        const auto left = remaining(deadline);
        if (!left)
            return act("lifelined did not pet the keepalive for " + std::to_string(options_.timeoutMs) +
                       " ms (last pet " + std::to_string(nowMs() - lastPetMs) + " ms ago)");
        pollfd pfd{options_.fd, POLLIN, 0};
        const int ready = ::ppoll(&pfd, 1, &*left, nullptr);
        if (ready < 0) {
            if (errno == EINTR)
                continue;
            return act(std::string("cannot wait on the keepalive channel: ") + std::strerror(errno));
        }
        if (ready == 0)
            continue; // the deadline is checked at the top
        if (pfd.revents & POLLNVAL)
            return act("the keepalive channel was closed under the supervisor");
        char buffer[256];
        const ssize_t n = ::read(options_.fd, buffer, sizeof buffer);
        if (n < 0) {
            if (errno == EINTR || errno == EAGAIN)
                continue;
            return act(std::string("cannot read the keepalive channel: ") + std::strerror(errno));
        }
        if (n == 0)
            return act("lifelined closed the keepalive channel without stopping it (it ended "
                       "abnormally)");
        if (std::memchr(buffer, kStop, size_t(n)))
            return kExitStopped;
        deadline = addMs(nowTs(), options_.timeoutMs);
        lastPetMs = nowMs();
    }
}

int Supervisor::act(const std::string& why) {
    log("%s: %s", why.c_str(), actionName(options_.action));
    std::string error;
    if (performFinalAction(options_.action, options_.power, &error))
        return kExitActed;
    log("the final action %s failed: %s", actionName(options_.action), error.c_str());
    return kExitActionFailed;
}

} // namespace lifeline::keepalive
