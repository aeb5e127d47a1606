#pragma once

#include "ClusterConfig.h"
#include "Paths.h"

#include <QObject>
#include <QString>

#include <functional>
#include <memory>

namespace lifeline::resources {

enum class ResourceState { Offline, Online, Error, Unknown };
QString resourceStateName(ResourceState state); // "Offline", "Online", "Error", "Unknown"

// Why a resource is activated or deactivated (ExpressCluster's CLP_EVENT).
enum class ResourceEvent { Start, Failover, Recover, Stop };
QString resourceEventName(ResourceEvent event); // "START", "FAILOVER", "RECOVER", "STOP"

// Everything a driver may know about the resource it drives on this server.
struct ResourceContext {
    config::Paths paths;
    QString localServer;
    QString group;
    config::Resource resource;       // type, name, parameters (Resource::param gives defaults)
    const config::ClusterConfig* config = nullptr;
    QString homeServer;              // the group's first server in its failover policy
};

// One group resource type on this server. Activation and deactivation run
// without blocking the event loop (child processes, sockets, timers) and report
// once through `done`. Drivers never decide anything: retries, failover and
// final actions are the engine's, following server/policy.
class ResourceDriver : public QObject {
    Q_OBJECT
public:
    using Done = std::function<void(bool ok, const QString& reason)>;

    explicit ResourceDriver(ResourceContext context, QObject* parent = nullptr)
        : QObject(parent), context_(std::move(context)) {}

    virtual void activate(ResourceEvent event, Done done) = 0;
    virtual void deactivate(ResourceEvent event, Done done) = 0;
    // What this server shows right now (e.g. is the address configured here?).
    virtual ResourceState observe(QString* reason) const = 0;
    // Called when the engine starts, for a resource that is not active here:
    // make it safe to leave alone (a shared disk goes read-only). Default: nothing.
    virtual bool protectInactive(QString* error) {
        Q_UNUSED(error);
        return true;
    }

    const ResourceContext& context() const { return context_; }

private:
    ResourceContext context_;
};

// type -> factory; one registration line per driver (ResourceRegistry.cpp).
using ResourceFactory = std::function<std::unique_ptr<ResourceDriver>(ResourceContext)>;
std::unique_ptr<ResourceDriver> createResourceDriver(ResourceContext context, QString* error);
bool isResourceTypeImplemented(const QString& type);

} // namespace lifeline::resources
