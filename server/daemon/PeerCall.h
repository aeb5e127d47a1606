#pragma once

#include <QJsonObject>
#include <QString>

#include <functional>

namespace lifeline::daemon {

// How a part of lifelined calls a method of another server over the RPC (the CommandRouter
// gives it one; any address of the server may answer).
using PeerResult = std::function<void(bool ok, const QJsonObject& result, const QString& error)>;
using PeerCall = std::function<void(const QString& server, const QString& method, const QJsonObject& params,
                                    int timeoutMs, PeerResult done)>;

// Passes another server's answer on to a control client (a control::Responder), tagged with
// that server's name: what every "ask this server or that one" command answers.
template <class Responder>
PeerResult relayTo(Responder r, const QString& server) {
    return [r, server](bool ok, const QJsonObject& result, const QString& error) {
        if (!ok) {
            r.fail(QStringLiteral("failed"), error);
            return;
        }
        QJsonObject out = result;
        out.insert("server", server);
        r.reply(out);
    };
}

} // namespace lifeline::daemon
