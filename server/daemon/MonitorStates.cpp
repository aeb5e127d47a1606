#include "MonitorStates.h"

namespace lifeline::daemon {

void MonitorStates::offer(const QString& server, const QJsonObject& states, qint64 nowMs) {
    reports_.insert(server, Report{states, nowMs});
}

QJsonObject MonitorStates::perServer(const QString& monitor, const QStringList& servers, const QString& local,
                                     const QString& localState, const std::function<bool(const QString&)>& heard,
                                     qint64 nowMs) const {
    QJsonObject out;
    for (const auto& server : servers) {
        if (server == local) {
            out.insert(server, localState);
            continue;
        }
        if (!heard(server)) {
            out.insert(server, QStringLiteral("Offline"));
            continue;
        }
        const auto it = reports_.constFind(server);
        const bool fresh = it != reports_.constEnd() && nowMs - it->receivedMs <= staleMs_;
        out.insert(server, fresh ? it->states.value(monitor).toString(QStringLiteral("Unknown"))
                                 : QStringLiteral("Unknown"));
    }
    return out;
}

} // namespace lifeline::daemon
