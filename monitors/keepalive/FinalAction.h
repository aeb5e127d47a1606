#pragma once

#include <optional>
#include <string>

namespace lifeline::keepalive {

// What lifeline-keepalive does when lifelined stops petting it or dies.
enum class Action { Reset, Panic, Shutdown, Reboot };

std::optional<Action> parseAction(const std::string& word); // reset|panic|shutdown|reboot
const char* actionName(Action action);

// "real", or "sandbox:CMD" (CMD is run as `/bin/sh -c "CMD ACTION"`, as lifelined's
// SandboxPowerControl does, so that one --power value serves both processes).
struct Power {
    bool sandbox = false;
    std::string command;
    static std::optional<Power> parse(const std::string& option);
};

// Performs the action. Real: returns only if the kernel refused (the reason in *error).
// Sandbox: runs the command in its own session and waits for it; true if it exited 0.
bool performFinalAction(Action action, const Power& power, std::string* error);

} // namespace lifeline::keepalive
