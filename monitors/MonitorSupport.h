#pragma once

#include "MonitorDriver.h"

#include <QObject>
#include <QStringList>

#include <cstdint>
#include <optional>

// What several monitor drivers share: the one-shot `done` of a check, repeated
// parameters, the target resource, and "is this IPv4 address here?".
namespace lifeline::monitors {

// The `done` of the check in progress. finish() always reports on a later
// turn of the event loop, so a driver may call it from inside check() (the
// interface forbids calling `done` there), and a report of an abandoned check
// (cancel(), or a newer check) is dropped.
class PendingCheck {
public:
    explicit PendingCheck(QObject* owner) : owner_(owner) {}

    void begin(MonitorDriver::Done done);
    bool isActive() const { return bool(done_); }
    // The generation of the check in progress: callbacks of work started for it
    // compare it with generation() to tell whether they still matter.
    quint64 generation() const { return generation_; }
    void finish(CheckResult result, const QString& detail);
    void cancel();

private:
    QObject* owner_;
    MonitorDriver::Done done_;
    quint64 generation_ = 0;
};

// Values of a repeated parameter, clp.conf's <list id="N"><leaf>..</leaf></list>,
// flattened by the config reader to "list[N]/leaf"; in the order of N. An empty
// `leaf` takes every element below list[N] (mtw accepts any leaf name).
QStringList listParameter(const config::Monitor& monitor, const QString& leaf);

// The monitor's target resource as configured (from its driver on this server
// when there is one, else from the cluster configuration).
std::optional<config::Resource> targetResource(const MonitorContext& context);

// The address of the target resource of type `type` (fipw: "fip", vipw: "vip")
// and the interfaces carrying it here (with prefix `prefixLength` only, when
// given). nullopt when the check has already been finished with the reason
// (wrong target, not an address, the kernel could not be asked).
struct TargetAddress {
    QString text;         // as configured, e.g. "198.18.0.100"
    QStringList ifnames;  // empty: not configured here
};
std::optional<TargetAddress> targetAddress(const MonitorContext& context, const QString& type,
                                           const QString& typeName, std::optional<int> prefixLength,
                                           PendingCheck& pending);

// Where IPv4 `address` is configured here: the interfaces carrying it (with
// prefix `prefixLength` only, when given). nullopt and *error when the
// addresses cannot be listed.
std::optional<QStringList> interfacesWithAddress(uint32_t address,
                                                 std::optional<int> prefixLength,
                                                 QString* error);

} // namespace lifeline::monitors
