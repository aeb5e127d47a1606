#include "FinalAction.h"
#include "SpawnSignals.h"

#include <cerrno>
#include <csignal>
#include <cstring>
#include <ctime>
#include <fcntl.h>
#include <spawn.h>
#include <sys/reboot.h>
#include <sys/wait.h>
#include <unistd.h>

extern char** environ;

namespace lifeline::keepalive {

namespace {

std::string errnoText(const char* what, int error) {
    return std::string(what) + ": " + std::strerror(error);
}

// sync(2) may hang on the very device whose stall got us here, so it runs in a child
// and is given at most `limitMs`; the action follows either way.
void boundedSync(int limitMs) {
    const pid_t child = ::fork();
    if (child == 0) {
        ::sync();
        ::_exit(0);
    }
    if (child < 0)
        return;
    for (int waited = 0; waited < limitMs; waited += 10) {
        if (::waitpid(child, nullptr, WNOHANG) == child)
            return;
        const timespec tick{0, 10 * 1000 * 1000};
        ::nanosleep(&tick, nullptr);
    }
}

bool sysrq(char key, std::string* error) {
    const int fd = ::open("/proc/sysrq-trigger", O_WRONLY | O_CLOEXEC);
    if (fd < 0 || ::write(fd, &key, 1) != 1) {
        if (error)
            *error = errnoText("/proc/sysrq-trigger", errno);
        if (fd >= 0)
            ::close(fd);
        return false;
    }
    ::close(fd);
    if (error)
        *error = "/proc/sysrq-trigger accepted the key but the system is still running";
    return false;
}

bool kernelReboot(int command, std::string* error) {
    ::reboot(command);
    if (error)
        *error = errnoText("reboot(2)", errno);
    return false;
}

bool performReal(Action action, std::string* error) {
    switch (action) {
    case Action::Reset:
        // A pressed reset button: no sync, no orderly shutdown.
        if (!kernelReboot(RB_AUTOBOOT, error))
            return sysrq('b', error);
        return false;
    case Action::Panic:
        if (!sysrq('c', error)) {
            // The server must not keep running either way.
            std::string ignored;
            return kernelReboot(RB_AUTOBOOT, &ignored);
        }
        return false;
    case Action::Reboot:
        boundedSync(2000);
        return kernelReboot(RB_AUTOBOOT, error);
    case Action::Shutdown:
        boundedSync(2000);
        return kernelReboot(RB_POWER_OFF, error);
    }
    return false;
}

bool performSandbox(Action action, const std::string& command, std::string* error) {
    const std::string line = command + " " + actionName(action);
    posix_spawnattr_t attr;
    posix_spawnattr_init(&attr);
    // Its own session: the command usually kills this process (and its group).
    keepalive::resetSpawnSignals(&attr, POSIX_SPAWN_SETSID);
    char sh[] = "/bin/sh";
    char dashC[] = "-c";
    char* argv[] = {sh, dashC, const_cast<char*>(line.c_str()), nullptr};
    pid_t pid = -1;
    const int rc = ::posix_spawn(&pid, sh, nullptr, &attr, argv, environ);
    posix_spawnattr_destroy(&attr);
    if (rc != 0) {
        if (error)
            *error = errnoText("cannot run the sandbox power command", rc);
        return false;
    }
    int status = 0;
    while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
        return true;
    if (error)
        *error = "the sandbox power command \"" + line + "\" failed (status " + std::to_string(status) + ")";
    return false;
}

} // namespace

std::optional<Action> parseAction(const std::string& word) {
    if (word == "reset")
        return Action::Reset;
    if (word == "panic")
        return Action::Panic;
    if (word == "shutdown")
        return Action::Shutdown;
    if (word == "reboot")
        return Action::Reboot;
    return std::nullopt;
}

const char* actionName(Action action) {
    switch (action) {
    case Action::Reset: return "reset";
    case Action::Panic: return "panic";
    case Action::Shutdown: return "shutdown";
    case Action::Reboot: return "reboot";
    }
    return "?";
}

std::optional<Power> Power::parse(const std::string& option) {
    if (option.empty() || option == "real")
        return Power{};
    if (option.rfind("sandbox:", 0) == 0 && option.size() > 8)
        return Power{true, option.substr(8)};
    return std::nullopt;
}

bool performFinalAction(Action action, const Power& power, std::string* error) {
    return power.sandbox ? performSandbox(action, power.command, error) : performReal(action, error);
}

} // namespace lifeline::keepalive
