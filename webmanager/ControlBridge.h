#pragma once

#include "ControlBackend.h"

#include <QObject>
#include <QThreadPool>

namespace lifeline::webmgr {

// ControlBackend over the control socket. Each call runs a synchronous
// control::ControlClient (its own connection, its timeouts and error messages) on a
// private thread pool, and the answer is handed back on the bridge's thread through
// its event loop: the HTTP event loop never waits for lifelined, and a slow operation
// (a group move) does not hold up status requests.
class ControlBridge : public QObject, public ControlBackend {
    Q_OBJECT
public:
    static constexpr int kMaxThreads = 16;

    explicit ControlBridge(QString socketPath, QObject* parent = nullptr);
    ~ControlBridge() override;

    void call(const QString& command, const QJsonObject& args, int timeoutMs, Done done) override;

private:
    QString socketPath_;
    QThreadPool pool_;
};

} // namespace lifeline::webmgr
