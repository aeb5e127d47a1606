#pragma once

#include "HeartbeatPath.h"

#include <QStringList>
#include <memory>

namespace lifeline::hb {

// Makes the driver of a configured heartbeat resource by its type. A new type is one
// registration line in HeartbeatPathFactory.cpp.
class HeartbeatPathFactory {
public:
    using Creator = std::unique_ptr<HeartbeatPath> (*)(const PathContext& context, QString* error);

    static bool supports(const QString& type);
    static QStringList supportedTypes();

    // The path, or null with a message in `error` (unsupported type, the local server lacks the
    // device, an invalid address, ...).
    static std::unique_ptr<HeartbeatPath> create(const PathContext& context, QString* error);
};

} // namespace lifeline::hb
