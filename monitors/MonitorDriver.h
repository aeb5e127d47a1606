#pragma once

#include "ClusterConfig.h"
#include "Paths.h"

#include <QObject>
#include <QString>

#include <algorithm>
#include <functional>
#include <memory>

namespace lifeline::resources {
class ResourceDriver;
}

namespace lifeline::monitors {

// What one check found. Warning: the check itself could not tell (e.g. a
// helper is missing); it never leads to recovery.
enum class CheckResult { Normal, Error, Warning };
QString checkResultName(CheckResult result); // "Normal", "Error", "Warning"

// Everything a monitor driver may know on this server.
struct MonitorContext {
    config::Paths paths;
    QString localServer;
    config::Monitor monitor;         // type, name, parameters (Monitor::param gives defaults)
    const config::ClusterConfig* config = nullptr;
    // The driver of a group resource on this server (pidw reads the resident pid of an
    // exec resource, fipw/vipw the address), or nullptr.
    std::function<resources::ResourceDriver*(const QString& resource)> resource;
    // clptoratio's factor now (the scheduler's); empty: 1.
    std::function<double()> timeoutRatio;

    // The monitor timeout in effect: the configured one times the timeout ratio.
    int timeoutMs() const {
        const double ratio = timeoutRatio ? timeoutRatio() : 1.0;
        return int(std::min<double>(monitor.timeoutMs * ratio, 24.0 * 3600 * 1000));
    }
};

// One monitor type on this server. A check runs without blocking the event loop
// (child processes, sockets, notifiers, a worker thread for a blocking read) and
// reports once through `done`. The scheduler (server/engine) owns interval,
// timeout, retries, timing and recovery: a driver only checks.
class MonitorDriver : public QObject {
    Q_OBJECT
public:
    using Done = std::function<void(CheckResult result, const QString& detail)>;

    explicit MonitorDriver(MonitorContext context, QObject* parent = nullptr)
        : QObject(parent), context_(std::move(context)) {}

    // Starts one check; `done` is called once, never from inside check().
    virtual void check(Done done) = 0;
    // The check timed out or the monitor stops: abandon it (kill what it started).
    // `done` of the abandoned check must not be called afterwards.
    virtual void cancel() {}

    const MonitorContext& context() const { return context_; }

signals:
    // Event-driven monitors (link down, device removed) ask for a check at once.
    void checkNow();

private:
    MonitorContext context_;
};

using MonitorFactory = std::function<std::unique_ptr<MonitorDriver>(MonitorContext)>;
// nullptr with `error` for a type without a driver.
std::unique_ptr<MonitorDriver> createMonitorDriver(MonitorContext context, QString* error);
bool isMonitorTypeImplemented(const QString& type);
// The option product (licensing/README.md "Products") a monitor type needs on the server it runs
// on, e.g. "ISAG10" for httpw; "" for the types of the base product.
QString requiredOption(const QString& type);

} // namespace lifeline::monitors
