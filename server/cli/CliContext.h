#pragma once

#include "ControlClient.h"

#include <QCommandLineParser>
#include <QJsonObject>
#include <QString>
#include <QStringList>
#include <memory>

namespace lifeline::cli {

// What every clp* command that talks to lifelined shares: the --root DIR option
// (or LIFELINE_ROOT, default "/"), the control socket below it, --json, --timeout,
// the connection, messages and exit codes (README.md).
class CliContext {
public:
    enum ExitCode {
        kExitOk = 0,       // done
        kExitFailed = 1,   // lifelined refused or a server failed the command
        kExitNoDaemon = 2, // lifelined could not be reached or did not answer
        kExitUsage = 3,    // invalid arguments
    };

    // What a command prints (stdout, stderr) and returns.
    struct Outcome {
        QString out;
        QString err;
        int exitCode = kExitOk;
    };
    // The part of an outcome that is the same for every command: lifelined not reached (its
    // message, exit 2), --json (the answer, indented, on stdout), refused (the message and
    // "Command failed.", exit 1). True when there is a result left for the command to word.
    static bool beginOutcome(const control::ControlReply& reply, bool json, Outcome* outcome);
    // The same, printed at once; when it returns false, *exitCode is the command's exit code.
    bool printBeginning(const control::ControlReply& reply, int* exitCode) const;

    CliContext(QString program, QString description, int defaultTimeoutSeconds);
    ~CliContext();

    // Add the command's own options before parse().
    QCommandLineParser& parser() { return parser_; }

    // Parses the arguments (argv[0] first). On a usage error prints it with a hint
    // to stderr and returns false with exitCode() = kExitUsage; --help prints the
    // usage and returns false with kExitOk.
    bool parse(const QStringList& arguments);
    int exitCode() const { return exitCode_; }

    QString program() const { return program_; }
    QString root() const { return root_; }
    QString socketPath() const { return socketPath_; }
    bool json() const { return json_; }
    int timeoutMs() const { return timeoutMs_; }

    // One request to the local lifelined (connecting on first use).
    control::ControlReply call(const QString& command, const QJsonObject& args = {});

    // The exit code for a reply that is not ok (kExitFailed or kExitNoDaemon).
    static int failureCode(const control::ControlReply& reply);

    static void printOut(const QString& text);
    static void printErr(const QString& text);
    // "Command succeeded." on stdout.
    static void printSucceeded();
    // A usage error: "<program>: <message>" and a hint on stderr; returns kExitUsage.
    int usageError(const QString& message);

private:
    QString program_;
    QCommandLineParser parser_;
    int defaultTimeoutSeconds_;
    QString root_;
    QString socketPath_;
    bool json_ = false;
    int timeoutMs_ = 0;
    int exitCode_ = kExitOk;
    std::unique_ptr<control::ControlClient> client_;
};

} // namespace lifeline::cli
