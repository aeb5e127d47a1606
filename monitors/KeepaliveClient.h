#pragma once

#include <QObject>
#include <QString>
#include <QTimer>

class QSocketNotifier;

namespace lifeline::monitors {

// lifelined's side of userw (README.md, "userw and lifeline-keepalive"): it pets a
// supervisor from the main event loop, so that a stalled loop (SIGSTOP, deadlock, a swap
// storm) stops the pets and the supervisor performs the final action.
//
//   keepalive  spawns lifeline-keepalive with one end of a socketpair as fd 3 and writes a
//              byte every intervalMs; the supervisor acts after timeoutMs without one, and at
//              once when lifelined dies (end of file without the stop byte).
//   softdog    opens the watchdog device and writes to it every intervalMs; the kernel resets
//              the machine after timeoutMs (rounded up to whole seconds). Refused with a
//              sandbox power option (it would reset the real machine).
//   none       nothing.
//
// Everything runs on the thread that owns the object (lifelined's main thread).
class KeepaliveClient : public QObject {
    Q_OBJECT
public:
    enum class Method { Keepalive, Softdog, None };

    struct Settings {
        Method method = Method::Keepalive;
        int timeoutMs = 90000;  // the userw monitor's timeoutMs
        int intervalMs = 3000;  // the userw monitor's intervalMs; <= 0: no timer, pet() by hand
        QString action = QStringLiteral("reset");  // reset|panic|shutdown|reboot (keepalive)
        QString power = QStringLiteral("real");    // lifelined's --power: real | sandbox:CMD
        QString supervisorPath;                    // empty: defaultSupervisorPath()
        QString watchdogDevice = QStringLiteral("/dev/watchdog");
    };

    explicit KeepaliveClient(QObject* parent = nullptr);
    // A clean stop(): a client that is destroyed in order is a service that stops in order.
    ~KeepaliveClient() override;

    // "keepalive", "softdog", "none" (the userw "method" parameter), case-insensitive.
    static bool parseMethod(const QString& text, Method* method);
    // lifeline-keepalive beside the running program (installed layout), else the one built
    // with this tree.
    static QString defaultSupervisorPath();

    // Starts supervision and the pet timer; pets once at once. False (and *error) when the
    // supervisor cannot be started or the watchdog device cannot be opened.
    bool start(const Settings& settings, QString* error = nullptr);
    // One pet now (non-blocking). False when nothing is supervising.
    bool pet();
    // Stops the timer and the supervision without any action: the stop byte (the supervisor
    // exits 0, waited for up to waitMs, then killed) or the watchdog's magic close 'V'.
    // False (and *error) when the supervisor did not end cleanly in time or the watchdog
    // cannot be stopped (a driver built with nowayout keeps counting).
    bool stop(int waitMs = 1000, QString* error = nullptr);

    bool isActive() const { return active_; }
    Method method() const { return settings_.method; }
    qint64 supervisorPid() const { return pid_; }

signals:
    // The supervisor ended while supervising (it acted, failed, or was killed): userw must
    // report an error. exitCode is its exit status, or -signal when killed by a signal.
    void supervisorEnded(int exitCode, const QString& detail);

private:
    bool startKeepalive(QString* error);
    bool startSoftdog(QString* error);
    void onChannelEvent();
    int reap(int waitMs); // exit code, -signal, or INT_MIN when still running
    void closeChannel();

    Settings settings_;
    QTimer timer_;
    QSocketNotifier* notifier_ = nullptr;
    int fd_ = -1; // our end of the socketpair, or the watchdog device
    qint64 pid_ = 0;
    bool active_ = false;
};

} // namespace lifeline::monitors
