#include "ResourceDriver.h"
#include "DiskResource.h"
#include "ExecResource.h"
#include "FipResource.h"
#include "VipResource.h"
#include "VolmgrResource.h"

#include <QHash>

namespace lifeline::resources {

QString resourceStateName(ResourceState state) {
    switch (state) {
    case ResourceState::Offline: return QStringLiteral("Offline");
    case ResourceState::Online: return QStringLiteral("Online");
    case ResourceState::Error: return QStringLiteral("Error");
    case ResourceState::Unknown: return QStringLiteral("Unknown");
    }
    return {};
}

QString resourceEventName(ResourceEvent event) {
    switch (event) {
    case ResourceEvent::Start: return QStringLiteral("START");
    case ResourceEvent::Failover: return QStringLiteral("FAILOVER");
    case ResourceEvent::Recover: return QStringLiteral("RECOVER");
    case ResourceEvent::Stop: return QStringLiteral("STOP");
    }
    return {};
}

// One line per driver: type -> factory.
static const QHash<QString, ResourceFactory>& registry() {
    static const QHash<QString, ResourceFactory> table{
        {QStringLiteral("disk"), [](ResourceContext c) { return std::make_unique<DiskResource>(std::move(c)); }},
        {QStringLiteral("exec"), [](ResourceContext c) { return std::make_unique<ExecResource>(std::move(c)); }},
        {QStringLiteral("fip"), [](ResourceContext c) { return std::make_unique<FipResource>(std::move(c)); }},
        {QStringLiteral("vip"), [](ResourceContext c) { return std::make_unique<VipResource>(std::move(c)); }},
        {QStringLiteral("volmgr"), [](ResourceContext c) { return std::make_unique<VolmgrResource>(std::move(c)); }},
    };
    return table;
}

std::unique_ptr<ResourceDriver> createResourceDriver(ResourceContext context, QString* error) {
    const auto factory = registry().value(context.resource.type);
    if (!factory) {
        if (error)
            *error = QStringLiteral("resource type %1 has no driver yet").arg(context.resource.type);
        return nullptr;
    }
    return factory(std::move(context));
}

bool isResourceTypeImplemented(const QString& type) { return registry().contains(type); }

} // namespace lifeline::resources
