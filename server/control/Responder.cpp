#include "Responder.h"

#include "ControlConnection.h"
#include "ControlProtocol.h"

#include <QPointer>

namespace lifeline::control {

struct Responder::State {
    QPointer<ControlConnection> connection;
    QJsonValue id;
    bool answered = false;

    void send(const QByteArray& line) {
        if (answered)
            return;
        answered = true;
        if (connection)
            connection->send(line);
    }

    ~State() {
        // A handler that dropped its request must not leave the client waiting.
        send(encodeError(id, errors::kInternal, QStringLiteral("the command gave no answer")));
    }
};

Responder Responder::create(ControlConnection* connection, const QJsonValue& id) {
    auto state = std::make_shared<State>();
    state->connection = connection;
    state->id = id;
    return Responder(std::move(state));
}

void Responder::reply(const QJsonObject& result) const {
    if (state_)
        state_->send(encodeResult(state_->id, result));
}

void Responder::fail(const QString& code, const QString& message) const {
    if (state_)
        state_->send(encodeError(state_->id, code, message));
}

bool Responder::answered() const {
    return !state_ || state_->answered;
}

bool Responder::clientConnected() const {
    return state_ && state_->connection && state_->connection->isConnected();
}

} // namespace lifeline::control
