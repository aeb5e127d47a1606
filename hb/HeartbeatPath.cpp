#include "HeartbeatPath.h"

namespace lifeline::hb {

QString PathContext::setupError(const QString& what) const {
    return QStringLiteral("heartbeat \"%1\" on server \"%2\": %3").arg(heartbeat.name, localServer, what);
}

const config::Device* PathContext::localDevice(const QString& type, QString* why) const {
    const config::Server* local = config.server(localServer);
    const int id = heartbeat.deviceId;
    const config::Device* device = local ? local->device(id) : nullptr;
    if (!local)
        *why = QStringLiteral("the server is not in the configuration");
    else if (!device)
        *why = QStringLiteral("the server has no device %1, so it is not on this path").arg(id);
    else if (device->type != type)
        *why = QStringLiteral("device %1 is of type \"%2\", not %3").arg(id).arg(device->type, type);
    else
        return device;
    return nullptr;
}

HeartbeatPath::HeartbeatPath(const QString& name, QObject* parent) : QObject(parent), name_(name) {}

HeartbeatPath::~HeartbeatPath() = default;

} // namespace lifeline::hb
