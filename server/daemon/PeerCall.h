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

} // namespace lifeline::daemon
