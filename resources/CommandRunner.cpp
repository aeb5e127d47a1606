#include "CommandRunner.h"

#include "ChildSignals.h"

#include <QProcess>
#include <QTimer>

#include <memory>

namespace lifeline::resources {

QString CommandRunner::Result::describe(const QStringList& command) const {
    const QString what = command.join(u' ');
    QString how;
    if (!started)
        how = QStringLiteral("could not be run");
    else if (timedOut)
        how = QStringLiteral("timed out");
    else if (crashed)
        how = QStringLiteral("was killed by a signal");
    else
        how = QStringLiteral("exited with code %1").arg(exitCode);
    const QStringList lines = errorOutput.split(u'\n', Qt::SkipEmptyParts);
    if (lines.isEmpty())
        return QStringLiteral("%1 %2").arg(what, how);
    return QStringLiteral("%1 %2: %3").arg(what, how, lines.last().trimmed());
}

ProcessCommandRunner::ProcessCommandRunner(QProcessEnvironment extra, QObject* parent)
    : QObject(parent), environment_(QProcessEnvironment::systemEnvironment()) {
    environment_.insert(extra);
    environment_.insert(QStringLiteral("LC_ALL"), QStringLiteral("C"));
}

ProcessCommandRunner::~ProcessCommandRunner() {
    // Children die with us: disconnect first so that no callback runs, then
    // SIGKILL (QProcess's destructor would wait up to 30 s for a polite end).
    for (auto* process : findChildren<QProcess*>()) {
        process->disconnect(this);
        process->kill();
        process->waitForFinished(1000); // SIGKILL: reaped in well under that
    }
}

void ProcessCommandRunner::run(const QStringList& command, int timeoutMs, Callback done) {
    auto* process = new QProcess(this);
    process->setProcessEnvironment(environment_);
    process->setStandardInputFile(QProcess::nullDevice());
    prepareChild(*process, /*ownSession=*/false);
    auto result = std::make_shared<Result>();
    auto* timer = new QTimer(process);
    timer->setSingleShot(true);
    connect(timer, &QTimer::timeout, process, [process, result] {
        result->timedOut = true;
        process->kill();
    });
    auto finish = [process, result, done] {
        result->output = QString::fromLocal8Bit(process->readAllStandardOutput());
        result->errorOutput += QString::fromLocal8Bit(process->readAllStandardError());
        process->disconnect();
        process->deleteLater();
        done(*result); // last: the callback may destroy this runner
    };
    connect(process, &QProcess::finished, this, [result, finish](int code, QProcess::ExitStatus status) {
        result->started = true;
        result->exitCode = code;
        result->crashed = status == QProcess::CrashExit && !result->timedOut;
        finish();
    });
    connect(process, &QProcess::errorOccurred, this, [process, result, finish](QProcess::ProcessError error) {
        if (error != QProcess::FailedToStart)
            return; // crashes and timeouts are reported by finished()
        result->errorOutput = process->errorString();
        finish();
    });
    if (timeoutMs > 0)
        timer->start(timeoutMs);
    process->start(command.value(0), command.mid(1));
}

} // namespace lifeline::resources
