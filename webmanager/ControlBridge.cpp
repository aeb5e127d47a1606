#include "ControlBridge.h"

#include <QPointer>

namespace lifeline::webmgr {

ControlBridge::ControlBridge(QString socketPath, QObject* parent)
    : QObject(parent), socketPath_(std::move(socketPath)) {
    pool_.setMaxThreadCount(kMaxThreads);
}

ControlBridge::~ControlBridge() {
    // Answers still under way are dropped (their callbacks check the pointer).
    pool_.waitForDone();
}

void ControlBridge::call(const QString& command, const QJsonObject& args, int timeoutMs, Done done) {
    QPointer<ControlBridge> self(this);
    const QString path = socketPath_;
    pool_.start([self, path, command, args, timeoutMs, done = std::move(done)]() mutable {
        control::ControlClient client(path);
        const control::ControlReply reply = client.call(command, args, timeoutMs);
        // The destructor waits for this task, so the bridge still exists here.
        QMetaObject::invokeMethod(
            self.data(),
            [self, reply, done = std::move(done)] {
                if (self)
                    done(reply);
            },
            Qt::QueuedConnection);
    });
}

} // namespace lifeline::webmgr
