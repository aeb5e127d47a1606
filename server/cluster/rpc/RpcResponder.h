#pragma once

#include <QJsonObject>
#include <QPointer>
#include <QString>
#include <memory>

namespace lifeline::rpc {

class RpcServerConnection;

// Answers one RPC request, now or later (a handler may keep it and answer from a timer, a
// process's exit, another RPC's callback...). Copies share one request: the first reply() or
// fail() answers it, later ones are ignored. If the last copy is dropped without an answer, the
// caller is told so at once instead of waiting for its timeout. Answering after the caller has
// gone (connection closed) does nothing.
class RpcResponder {
public:
    RpcResponder() = default;

    void reply(const QJsonObject& result = {}) const;
    void fail(const QString& error) const;

    bool isAnswered() const;
    QString method() const;
    QString peerName() const;

private:
    friend class RpcServerConnection;
    struct State;
    RpcResponder(RpcServerConnection* connection, double id, const QString& method,
                 const QString& peerName);
    std::shared_ptr<State> state_;
};

} // namespace lifeline::rpc
