#pragma once

#include "ControlClient.h"

#include <QJsonObject>
#include <QString>
#include <functional>

namespace lifeline::webmgr {

// The way to the local lifelined: asynchronous, the answer comes later on the
// caller's thread. ControlBridge is the real one; tests give a fake.
class ControlBackend {
public:
    using Done = std::function<void(const control::ControlReply&)>;
    virtual ~ControlBackend() = default;
    virtual void call(const QString& command, const QJsonObject& args, int timeoutMs, Done done) = 0;
};

} // namespace lifeline::webmgr
