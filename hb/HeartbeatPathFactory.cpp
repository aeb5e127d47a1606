#include "HeartbeatPathFactory.h"

#include "ComHeartbeat.h"
#include "DiskHeartbeat.h"
#include "KernelLanHeartbeat.h"
#include "LanHeartbeat.h"

namespace lifeline::hb {

namespace {

struct Registration {
    const char* type;
    HeartbeatPathFactory::Creator create;
};

// One line per heartbeat type.
const Registration kRegistrations[] = {
    {"lanhb", &LanHeartbeat::create},
    {"comhb", &ComHeartbeat::create},
    {"diskhb", &DiskHeartbeat::create},
    {"lankhb", &KernelLanHeartbeat::create},
};

const Registration* find(const QString& type) {
    for (const auto& registration : kRegistrations)
        if (type == QLatin1String(registration.type))
            return &registration;
    return nullptr;
}

} // namespace

bool HeartbeatPathFactory::supports(const QString& type) {
    return find(type) != nullptr;
}

QStringList HeartbeatPathFactory::supportedTypes() {
    QStringList types;
    for (const auto& registration : kRegistrations)
        types << QLatin1String(registration.type);
    return types;
}

std::unique_ptr<HeartbeatPath> HeartbeatPathFactory::create(const PathContext& context,
                                                            QString* error) {
    const Registration* registration = find(context.heartbeat.type);
    if (!registration) {
        if (error)
            *error = QStringLiteral("heartbeat \"%1\": type %2 is not supported yet")
                         .arg(context.heartbeat.name, context.heartbeat.type);
        return nullptr;
    }
    return registration->create(context, error);
}

} // namespace lifeline::hb
