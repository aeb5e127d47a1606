#pragma once

// Both lifelined (starting the supervisor) and the supervisor (running a sandbox
// power command) spawn children that must not inherit their signal state:
// lifelined blocks SIGTERM/SIGINT for its signalfd, the supervisor ignores some.
#include <csignal>
#include <spawn.h>

namespace lifeline::keepalive {

// No blocked signals, default handlers for the ones either side changes, plus `flags`.
inline void resetSpawnSignals(posix_spawnattr_t* attr, short flags = 0) {
    sigset_t none, defaults;
    sigemptyset(&none);
    sigemptyset(&defaults);
    for (int sig : {SIGTERM, SIGINT, SIGHUP, SIGPIPE, SIGCHLD})
        sigaddset(&defaults, sig);
    posix_spawnattr_setsigmask(attr, &none);
    posix_spawnattr_setsigdefault(attr, &defaults);
    posix_spawnattr_setflags(attr, short(flags | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF));
}

} // namespace lifeline::keepalive
