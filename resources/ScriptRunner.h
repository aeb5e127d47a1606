#pragma once

#include <QObject>
#include <QProcess>
#include <QProcessEnvironment>
#include <QString>
#include <QTimer>

namespace lifeline::resources {

// Runs one script in its own process group (setsid in the child) without ever
// blocking the event loop. stdout and stderr are appended to a log file, with a
// timestamped header and footer line per run. With a timeout, the whole group
// gets SIGTERM when it expires and SIGKILL after graceMs(timeout); finished()
// is then reported only once the kill has been sent (or the group is gone).
// finished() is emitted exactly once per start().
class ScriptRunner : public QObject {
    Q_OBJECT
public:
    struct Options {
        QString path;             // executable script (needs a #! line)
        QString label;            // "start.sh", used in reasons and the log
        QProcessEnvironment environment;
        QString workingDirectory;
        QString logFile;          // empty: output discarded
        bool rotate = false;      // logrotate/use
        qint64 rotateSize = 1000000; // logrotate/size (bytes)
        int timeoutMs = 0;        // 0: no timeout (resident process)
    };

    // Rotation to <log>.1 happens whatever logrotate/use says once a log would
    // grow past this size.
    static constexpr qint64 kLogHardCap = 64LL * 1024 * 1024;

    explicit ScriptRunner(Options options, QObject* parent = nullptr);
    // A leader still running is killed (SIGKILL to its group). Processes left
    // behind by a script that has exited normally are never touched here.
    ~ScriptRunner() override;

    // Before start(): add or replace one variable of Options::environment.
    void setEnvironmentVariable(const QString& name, const QString& value) {
        options_.environment.insert(name, value);
    }
    void start();
    // SIGTERM to the group now, SIGKILL after graceMs(); finished() follows.
    void terminate(int graceMs);

    bool isRunning() const { return running_; }
    qint64 pid() const { return pid_; }      // also the process group id; 0 before start
    bool groupAlive() const;                 // any process of the group left?
    void killGroup(int signal) const;

    // TERM->KILL grace period: a quarter of the timeout, at least 100 ms, at most 5 s.
    static int graceMs(int timeoutMs);
    // Append `data` to `path`, creating directories and rotating to path.1 when
    // the file would exceed `size` (rotate) or kLogHardCap (always).
    static void appendLog(const QString& path, const QByteArray& data, bool rotate, qint64 size);

signals:
    void started(qint64 pid);
    // ok = exited normally with code 0. reason is human readable
    // ("start.sh exited with code 1", "start.sh timed out after 2 s", ...).
    void finished(bool ok, const QString& reason);
    // terminate() (or a timeout) is complete: the leader is reaped and the
    // group is gone or has been sent SIGKILL.
    void terminated();

private:
    void onReadyRead();
    void onFinished(int exitCode, QProcess::ExitStatus status);
    void onError(QProcess::ProcessError error);
    void onTimeout();
    void onGraceExpired();
    void checkTerminated();
    void report(bool ok, const QString& reason);
    void log(const QByteArray& data);
    static QByteArray stamp();

    Options options_;
    QProcess process_;
    QTimer timeout_;
    QTimer grace_;
    QTimer poll_;
    qint64 pid_ = 0;
    bool running_ = false;   // leader not yet reaped
    bool reported_ = false;
    bool killing_ = false;   // TERM sent (timeout or terminate())
    bool timedOut_ = false;
    bool killSent_ = false;  // SIGKILL sent
    bool pendingReport_ = false;
    bool pendingOk_ = false;
    QString pendingReason_;
};

} // namespace lifeline::resources
