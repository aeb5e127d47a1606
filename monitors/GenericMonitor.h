#pragma once

#include "MonitorDriver.h"
#include "MonitorSupport.h"

#include <QProcessEnvironment>

#include <memory>

namespace lifeline::resources {
class ScriptRunner;
}

namespace lifeline::monitors {

// genw: a user script (README.md "genw"), run by ScriptRunner in its own
// process group. sync = 1: one run per check, exit 0 = Normal. sync = 0: the
// script is started at the first check and stays resident; Normal while it
// runs, Error once it has exited (until cancel(), which stops it; the next
// check starts it again).
class GenericMonitor : public MonitorDriver {
    Q_OBJECT
public:
    static constexpr int kBackstopMs = 1000; // the script's own limit: monitor timeout + this

    explicit GenericMonitor(MonitorContext context, QObject* parent = nullptr);
    ~GenericMonitor() override;

    void check(Done done) override;
    void cancel() override;

    QString scriptPath() const;
    bool isAsynchronous() const;
    QProcessEnvironment scriptEnvironment() const;
    qint64 scriptPid() const; // the running script's pid (= process group), or 0

private:
    std::unique_ptr<resources::ScriptRunner> makeRunner() const;
    void startResident();
    void stopScript();

    PendingCheck pending_{this};
    std::unique_ptr<resources::ScriptRunner> runner_;
    QString exitReason_; // asynchronous: why the resident script ended; empty while it runs
};

} // namespace lifeline::monitors
