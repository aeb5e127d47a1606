#include "CliContext.h"

#include "ControlProtocol.h"

#include <QDir>
#include <QJsonDocument>

#include <cstdio>

namespace lifeline::cli {

namespace {
const QCommandLineOption kRoot(QStringList{"root"},
                               "Prefix of every Lifeline path (default: $LIFELINE_ROOT or /).",
                               "DIR");
const QCommandLineOption kJson(QStringList{"json"}, "Print the daemon's answer as JSON.");
const QCommandLineOption kTimeout(QStringList{"timeout"}, "Seconds to wait for lifelined's answer.",
                                  "SECONDS");
const QCommandLineOption kHelp(QStringList{"help"}, "Show this help.");
} // namespace

CliContext::CliContext(QString program, QString description, int defaultTimeoutSeconds)
    : program_(std::move(program)), defaultTimeoutSeconds_(defaultTimeoutSeconds) {
    parser_.setApplicationDescription(description);
    // -h means "host" in the clp* commands, so help is --help only.
    parser_.addOption(kHelp);
    parser_.addOption(kRoot);
    parser_.addOption(kJson);
    parser_.addOption(kTimeout);
}

CliContext::~CliContext() = default;

bool CliContext::parse(const QStringList& arguments) {
    if (!parser_.parse(arguments)) {
        exitCode_ = usageError(parser_.errorText());
        return false;
    }
    if (parser_.isSet(kHelp)) {
        printOut(parser_.helpText());
        exitCode_ = kExitOk;
        return false;
    }
    // The same rule as config::Paths: --root, else LIFELINE_ROOT, else "/".
    QString root = parser_.value(kRoot);
    if (root.isEmpty())
        root = qEnvironmentVariable("LIFELINE_ROOT");
    root_ = root.isEmpty() ? QStringLiteral("/") : QDir::cleanPath(root);
    socketPath_ = control::socketPath(root_);
    json_ = parser_.isSet(kJson);
    timeoutMs_ = defaultTimeoutSeconds_ * 1000;
    if (parser_.isSet(kTimeout)) {
        bool ok = false;
        const double seconds = parser_.value(kTimeout).toDouble(&ok);
        if (!ok || seconds <= 0 || seconds > 86400) {
            exitCode_ = usageError(QStringLiteral("--timeout needs a number of seconds (0 < "
                                                  "SECONDS <= 86400)"));
            return false;
        }
        timeoutMs_ = int(seconds * 1000);
    }
    return true;
}

control::ControlReply CliContext::call(const QString& command, const QJsonObject& args) {
    if (!client_)
        client_ = std::make_unique<control::ControlClient>(socketPath_);
    return client_->call(command, args, timeoutMs_);
}

bool CliContext::beginOutcome(const control::ControlReply& reply, bool json, Outcome* o) {
    if (reply.status == control::ControlReply::Status::Transport) {
        o->err = reply.message + QLatin1Char('\n');
        o->exitCode = kExitNoDaemon;
        return false;
    }
    if (json)
        o->out = QString::fromUtf8(QJsonDocument(reply.raw).toJson(QJsonDocument::Indented));
    if (reply.status == control::ControlReply::Status::Error) {
        o->err = reply.message + QStringLiteral("\nCommand failed.\n");
        o->exitCode = kExitFailed;
        return false;
    }
    return true;
}

bool CliContext::printBeginning(const control::ControlReply& reply, int* exitCode) const {
    Outcome o;
    const bool more = beginOutcome(reply, json_, &o);
    printOut(o.out);
    printErr(o.err);
    *exitCode = o.exitCode;
    return more;
}

int CliContext::failureCode(const control::ControlReply& reply) {
    return reply.status == control::ControlReply::Status::Transport ? kExitNoDaemon : kExitFailed;
}

void CliContext::printOut(const QString& text) {
    const QByteArray bytes = text.toUtf8();
    std::fwrite(bytes.constData(), 1, size_t(bytes.size()), stdout);
    std::fflush(stdout);
}

void CliContext::printErr(const QString& text) {
    const QByteArray bytes = text.toUtf8();
    std::fwrite(bytes.constData(), 1, size_t(bytes.size()), stderr);
    std::fflush(stderr);
}

void CliContext::printSucceeded() {
    printOut(QStringLiteral("Command succeeded.\n"));
}

int CliContext::usageError(const QString& message) {
    printErr(
        QStringLiteral("%1: %2\nTry '%1 --help' for more information.\n").arg(program_, message));
    return kExitUsage;
}

} // namespace lifeline::cli
