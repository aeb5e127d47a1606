#pragma once

#include <QObject>
#include <QProcessEnvironment>
#include <QStringList>

#include <functional>

namespace lifeline::resources {

// Runs a command (program + arguments, no shell) and reports its result
// through a callback, never blocking the event loop. An interface so that a
// driver's command sequence can be tested without the commands themselves.
// The callback is never called after the runner is destroyed.
class CommandRunner {
public:
    struct Result {
        bool started = false;  // false: the program could not be run at all
        bool timedOut = false; // killed (SIGKILL) when the timeout expired
        bool crashed = false;  // ended by a signal
        int exitCode = -1;
        QString output;        // stdout
        QString errorOutput;   // stderr, or why the program did not start

        bool ok() const { return started && !timedOut && !crashed && exitCode == 0; }
        // "vgchange -ay vg1 exited with code 5: <last line of stderr>", ...
        QString describe(const QStringList& command) const;
    };
    using Callback = std::function<void(const Result&)>;

    virtual ~CommandRunner() = default;
    // command[0] is the program. timeoutMs > 0 kills it when it expires.
    virtual void run(const QStringList& command, int timeoutMs, Callback done) = 0;
};

// The real thing: one QProcess per command, killed at the timeout. The
// environment is the daemon's plus `extra`, with LC_ALL=C so that output and
// messages are the same whatever the locale.
class ProcessCommandRunner : public QObject, public CommandRunner {
    Q_OBJECT
public:
    explicit ProcessCommandRunner(QProcessEnvironment extra = {}, QObject* parent = nullptr);
    // Commands still running are killed; their callbacks are not called.
    ~ProcessCommandRunner() override;
    void run(const QStringList& command, int timeoutMs, Callback done) override;

private:
    QProcessEnvironment environment_;
};

} // namespace lifeline::resources
