#include "ScriptRunner.h"

#include "ChildSignals.h"

#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QFileInfo>

#include <algorithm>
#include <csignal>
#include <sys/types.h>
#include <unistd.h>

namespace lifeline::resources {

namespace {
constexpr int kPollMs = 20; // how often a terminating group is checked for being gone

QString seconds(int ms) { return QString::number(ms / 1000.0, 'g', 6); }
} // namespace

ScriptRunner::ScriptRunner(Options options, QObject* parent)
    : QObject(parent), options_(std::move(options)) {
    timeout_.setSingleShot(true);
    grace_.setSingleShot(true);
    connect(&timeout_, &QTimer::timeout, this, &ScriptRunner::onTimeout);
    connect(&grace_, &QTimer::timeout, this, &ScriptRunner::onGraceExpired);
    connect(&poll_, &QTimer::timeout, this, &ScriptRunner::checkTerminated);
    connect(&process_, &QProcess::readyReadStandardOutput, this, &ScriptRunner::onReadyRead);
    connect(&process_, &QProcess::finished, this, &ScriptRunner::onFinished);
    connect(&process_, &QProcess::errorOccurred, this, &ScriptRunner::onError);
}

ScriptRunner::~ScriptRunner() {
    disconnect(&process_, nullptr, this, nullptr);
    if (running_ && pid_ > 0)
        killGroup(SIGKILL);
}

int ScriptRunner::graceMs(int timeoutMs) { return std::clamp(timeoutMs / 4, 100, 5000); }

QByteArray ScriptRunner::stamp() {
    return QDateTime::currentDateTime().toString(Qt::ISODateWithMs).toUtf8();
}

void ScriptRunner::appendLog(const QString& path, const QByteArray& data, bool rotate, qint64 size) {
    if (path.isEmpty() || data.isEmpty())
        return;
    const QFileInfo info(path);
    QDir().mkpath(info.absolutePath());
    const qint64 current = info.exists() ? info.size() : 0;
    const qint64 limit = rotate ? std::min(std::max<qint64>(size, 1), kLogHardCap) : kLogHardCap;
    if (current > 0 && current + data.size() > limit) {
        QFile::remove(path + QStringLiteral(".1"));
        QFile::rename(path, path + QStringLiteral(".1"));
    }
    QFile file(path);
    if (file.open(QIODevice::WriteOnly | QIODevice::Append))
        file.write(data);
}

void ScriptRunner::log(const QByteArray& data) {
    appendLog(options_.logFile, data, options_.rotate, options_.rotateSize);
}

void ScriptRunner::start() {
    running_ = true;
    process_.setProgram(options_.path);
    process_.setProcessEnvironment(options_.environment);
    if (!options_.workingDirectory.isEmpty())
        process_.setWorkingDirectory(options_.workingDirectory);
    process_.setProcessChannelMode(QProcess::MergedChannels);
    process_.setStandardInputFile(QProcess::nullDevice());
    // Own session and process group: a timeout or a stop reaches every child.
    prepareChild(process_, /*ownSession=*/true);
    process_.start();
    pid_ = process_.processId();
    log("[" + stamp() + "] ==== " + options_.label.toUtf8() + " (" + options_.path.toUtf8() +
        ") CLP_EVENT=" + options_.environment.value(QStringLiteral("CLP_EVENT")).toUtf8() +
        " pid " + QByteArray::number(pid_) + " ====\n");
    if (pid_ > 0) {
        if (options_.timeoutMs > 0)
            timeout_.start(options_.timeoutMs);
        emit started(pid_);
    }
}

bool ScriptRunner::groupAlive() const { return pid_ > 0 && ::kill(pid_t(-pid_), 0) == 0; }

void ScriptRunner::killGroup(int signal) const {
    if (pid_ > 0)
        ::kill(pid_t(-pid_), signal);
}

void ScriptRunner::onReadyRead() { log(process_.readAllStandardOutput()); }

void ScriptRunner::onError(QProcess::ProcessError error) {
    if (error != QProcess::FailedToStart)
        return;
    running_ = false;
    timeout_.stop();
    const QString reason = QStringLiteral("cannot run %1 (%2): %3")
                               .arg(options_.label, options_.path, process_.errorString());
    log("[" + stamp() + "] ==== " + reason.toUtf8() + " ====\n");
    report(false, reason);
}

void ScriptRunner::onTimeout() {
    if (!running_)
        return;
    timedOut_ = true;
    log("[" + stamp() + "] ==== " + options_.label.toUtf8() + " timed out after " +
        seconds(options_.timeoutMs).toUtf8() + " s: SIGTERM to process group " +
        QByteArray::number(pid_) + " ====\n");
    terminate(graceMs(options_.timeoutMs));
}

void ScriptRunner::terminate(int graceMs) {
    if (killing_ || pid_ <= 0)
        return;
    killing_ = true;
    killGroup(SIGTERM);
    grace_.start(graceMs);
    poll_.start(kPollMs);
    checkTerminated();
}

void ScriptRunner::onGraceExpired() {
    if (groupAlive()) {
        log("[" + stamp() + "] ==== SIGKILL to process group " + QByteArray::number(pid_) +
            " ====\n");
        killGroup(SIGKILL);
    }
    killSent_ = true;
    checkTerminated();
}

void ScriptRunner::checkTerminated() {
    if (!killing_ || running_ || (groupAlive() && !killSent_))
        return;
    killing_ = false;
    grace_.stop();
    poll_.stop();
    if (pendingReport_) {
        pendingReport_ = false;
        report(pendingOk_, pendingReason_);
    }
    emit terminated();
}

void ScriptRunner::onFinished(int exitCode, QProcess::ExitStatus status) {
    onReadyRead();
    running_ = false;
    timeout_.stop();
    bool ok = false;
    QString reason;
    if (timedOut_)
        reason = QStringLiteral("%1 timed out after %2 s").arg(options_.label, seconds(options_.timeoutMs));
    else if (killing_)
        reason = QStringLiteral("%1 was terminated").arg(options_.label);
    else if (status == QProcess::CrashExit)
        reason = QStringLiteral("%1 was killed by signal %2").arg(options_.label).arg(exitCode);
    else {
        ok = exitCode == 0;
        reason = QStringLiteral("%1 exited with code %2").arg(options_.label).arg(exitCode);
    }
    log("[" + stamp() + "] ==== " + reason.toUtf8() + " ====\n");
    if (killing_) {
        pendingReport_ = true;
        pendingOk_ = ok;
        pendingReason_ = reason;
        checkTerminated();
        return;
    }
    report(ok, reason);
}

void ScriptRunner::report(bool ok, const QString& reason) {
    if (reported_)
        return;
    reported_ = true;
    emit finished(ok, reason);
}

} // namespace lifeline::resources
