#include "HeartbeatPath.h"

namespace lifeline::hb {

HeartbeatPath::HeartbeatPath(const QString& name, QObject* parent) : QObject(parent), name_(name) {}

HeartbeatPath::~HeartbeatPath() = default;

} // namespace lifeline::hb
