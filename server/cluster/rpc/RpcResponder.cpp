#include "RpcResponder.h"

#include "RpcServerConnection.h"

namespace lifeline::rpc {

struct RpcResponder::State {
    QPointer<RpcServerConnection> connection;
    double id = 0;
    QString method;
    QString peerName;
    bool answered = false;

    void answer(bool ok, const QJsonObject& result, const QString& error) {
        if (answered)
            return;
        answered = true;
        if (connection)
            connection->sendResponse(id, ok, result, error);
    }

    ~State() {
        answer(false, {},
               QStringLiteral("method \"%1\" dropped the request without answering").arg(method));
    }
};

RpcResponder::RpcResponder(RpcServerConnection* connection, double id, const QString& method,
                           const QString& peerName)
    : state_(std::make_shared<State>()) {
    state_->connection = connection;
    state_->id = id;
    state_->method = method;
    state_->peerName = peerName;
}

void RpcResponder::reply(const QJsonObject& result) const {
    if (state_)
        state_->answer(true, result, {});
}

void RpcResponder::fail(const QString& error) const {
    if (state_)
        state_->answer(false, {}, error);
}

bool RpcResponder::isAnswered() const {
    return !state_ || state_->answered;
}

QString RpcResponder::method() const {
    return state_ ? state_->method : QString();
}

QString RpcResponder::peerName() const {
    return state_ ? state_->peerName : QString();
}

} // namespace lifeline::rpc
