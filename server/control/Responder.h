#pragma once

#include <QJsonObject>
#include <QJsonValue>
#include <QString>
#include <memory>

namespace lifeline::control {

class ControlConnection;

// The way back to the client of one request. Copyable; the first answer wins
// and later ones are ignored. A handler may keep it and answer later (after
// contacting other servers); if the client has gone, the answer is dropped. If
// every copy is destroyed without an answer, the client gets an "internal" error.
// Use it in the server's thread only.
class Responder {
public:
    Responder() = default; // answers go nowhere (tests, internal calls)

    void reply(const QJsonObject& result) const;
    void fail(const QString& code, const QString& message) const;

    bool answered() const;
    // False once the client has disconnected (the work may be abandoned).
    bool clientConnected() const;

private:
    friend class ControlServer;
    struct State;
    explicit Responder(std::shared_ptr<State> state) : state_(std::move(state)) {}
    static Responder create(ControlConnection* connection, const QJsonValue& id);

    std::shared_ptr<State> state_;
};

} // namespace lifeline::control
