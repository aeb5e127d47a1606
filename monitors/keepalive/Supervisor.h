#pragma once

#include "FinalAction.h"

#include <optional>
#include <string>

namespace lifeline::keepalive {

struct Options {
    int timeoutMs = 0;
    Action action = Action::Reset;
    Power power;
    int fd = -1; // the channel (KeepaliveProtocol.h)

    // --timeout MS --action reset|panic|shutdown|reboot --power real|sandbox:CMD --fd N
    static std::optional<Options> parse(int argc, char** argv, std::string* error);
};

// The loop of lifeline-keepalive: waits on the channel with a CLOCK_MONOTONIC deadline and
// performs the final action when the deadline passes or the channel ends without a stop.
class Supervisor {
public:
    explicit Supervisor(Options options) : options_(std::move(options)) {}

    // Closes every inherited descriptor but 0-2 and the channel, locks memory, asks for
    // SCHED_FIFO (both best effort) and logs one line saying what it got.
    void prepare();
    // Returns the exit status (KeepaliveProtocol.h); with --power real it does not return
    // after a successful action.
    int run();

private:
    int act(const std::string& why);

    Options options_;
};

} // namespace lifeline::keepalive
