#include "HeartbeatPathFactory.h"

#include "LanHeartbeat.h"

namespace lifeline::hb {

namespace {

struct Registration {
    const char* type;
    HeartbeatPathFactory::Creator create;
};

// One line per heartbeat type (lankhb, diskhb and comhb come with their drivers).
const Registration kRegistrations[] = {
    {"lanhb", &LanHeartbeat::create},
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
