#pragma once

// Helpers for driver tests that build a private network: the test process
// enters its own network namespace (unshare), named namespaces made with
// `ip netns add` play the other hosts, and commands run in them through
// `ip netns exec`. Root only; callers QSKIP otherwise.

#include <QCoreApplication>
#include <QDir>
#include <QElapsedTimer>
#include <QFileInfo>
#include <QProcess>
#include <QString>
#include <QStringList>

#include <functional>
#include <memory>

namespace testutil {

// Runs `args` (program first), inside named namespace `netns` unless empty.
// Returns stdout; *exitCode gets the exit code (-1: crashed or did not run),
// and without exitCode a failure is logged.
inline QString run(const QStringList& args, const QString& netns = {}, int* exitCode = nullptr) {
    QStringList full = args;
    QString program = full.takeFirst();
    if (!netns.isEmpty()) {
        full = QStringList{QStringLiteral("netns"), QStringLiteral("exec"), netns, program} + full;
        program = QStringLiteral("ip");
    }
    QProcess p;
    p.start(program, full);
    p.waitForFinished(10000);
    const int code = p.exitStatus() == QProcess::NormalExit && p.error() != QProcess::FailedToStart ? p.exitCode() : -1;
    if (exitCode)
        *exitCode = code;
    else if (code != 0)
        qWarning("%s %s: %s", qPrintable(program), qPrintable(full.join(u' ')), p.readAllStandardError().constData());
    return QString::fromLocal8Bit(p.readAllStandardOutput());
}

// Runs every step (in `netns` unless empty); the first failing one, or empty.
inline QString runAll(const QList<QStringList>& steps, const QString& netns = {}) {
    for (const auto& step : steps) {
        int rc = 0;
        run(step, netns, &rc);
        if (rc != 0)
            return step.join(u' ');
    }
    return {};
}

// Named namespaces `<prefix><pid>[-suffix]` of this test: it creates them and
// deletes them again, and first removes any an earlier run left behind when
// it crashed (its pid is gone).
class NamedNamespaces {
public:
    explicit NamedNamespaces(QString prefix) : prefix_(std::move(prefix)) {
        const auto stale = QDir(QStringLiteral("/run/netns")).entryList({prefix_ + u'*'}, QDir::Files);
        for (const QString& name : stale) {
            const QString pid = name.mid(prefix_.size()).section(u'-', 0, 0);
            if (!QFileInfo::exists(QStringLiteral("/proc/") + pid)) {
                int rc = 0;
                run({"ip", "netns", "del", name}, {}, &rc);
            }
        }
    }
    ~NamedNamespaces() { removeAll(); }
    NamedNamespaces(const NamedNamespaces&) = delete;
    NamedNamespaces& operator=(const NamedNamespaces&) = delete;

    // Creates `<prefix><pid>-suffix` (or `<prefix><pid>`); its name, or empty.
    QString add(const QString& suffix = {}) {
        QString name = prefix_ + QString::number(QCoreApplication::applicationPid());
        if (!suffix.isEmpty())
            name += u'-' + suffix;
        int rc = 0;
        run({"ip", "netns", "add", name}, {}, &rc);
        if (rc != 0)
            return {};
        names_ << name;
        return name;
    }
    void removeAll() {
        for (const QString& name : std::as_const(names_)) {
            int rc = 0;
            run({"ip", "netns", "del", name}, {}, &rc);
        }
        names_.clear();
    }

private:
    QString prefix_;
    QStringList names_;
};

// What a resource driver reported through its Done callback.
struct DriverResult {
    bool finished = false;
    bool ok = false;
    QString reason;
};

// Calls `start` with a Done callback and runs the event loop until it is
// called or `timeoutMs` pass.
inline DriverResult waitForDriver(const std::function<void(std::function<void(bool, const QString&)>)>& start,
                                  int timeoutMs = 5000) {
    auto result = std::make_shared<DriverResult>();
    start([result](bool ok, const QString& reason) {
        result->finished = true;
        result->ok = ok;
        result->reason = reason;
    });
    QElapsedTimer t;
    t.start();
    while (!result->finished && t.elapsed() < timeoutMs)
        QCoreApplication::processEvents(QEventLoop::WaitForMoreEvents, 10);
    return *result;
}

} // namespace testutil
