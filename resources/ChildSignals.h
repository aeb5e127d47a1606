#pragma once

// lifelined blocks SIGTERM/SIGINT (it reads them from a signalfd) and a blocked
// mask is inherited across exec: without this, a script or command it starts
// could not be stopped by SIGTERM (a stop.sh's `kill`, the unmount escalation,
// our own timeout's first signal). Called in the child between fork and exec
// (QProcess::setChildProcessModifier): async-signal-safe calls only.
#include <QProcess>

#include <csignal>
#include <unistd.h>

namespace lifeline::resources {

inline void restoreChildSignals() {
    sigset_t none;
    sigemptyset(&none);
    ::sigprocmask(SIG_SETMASK, &none, nullptr);
    for (int sig : {SIGTERM, SIGINT, SIGHUP, SIGPIPE, SIGCHLD})
        ::signal(sig, SIG_DFL);
}

// Default signals, and with `ownSession` a session and process group of its own
// (a timeout or a stop then reaches every process the child started).
inline void prepareChild(QProcess& process, bool ownSession) {
    if (ownSession)
        process.setChildProcessModifier([] {
            restoreChildSignals();
            ::setsid();
        });
    else
        process.setChildProcessModifier([] { restoreChildSignals(); });
}

} // namespace lifeline::resources
