#pragma once

#include <QHash>
#include <QJsonObject>
#include <QString>
#include <QStringList>

#include <functional>

namespace lifeline::daemon {

// What the other servers last told of their monitors (RPC `monitors.report`), and from it
// each monitor's state on every server for the `status`. Pure: the caller gives the
// monotonic time and which servers are heard, so it is tested without a cluster.
//
// A report is believed only while its server is heard and the report is younger than
// `staleMs`: a server that is down shows its monitors "Offline" (nothing runs there that
// this server knows of), one that is heard but has not reported for that long "Unknown" —
// never the last "Normal" it said.
class MonitorStates {
public:
    explicit MonitorStates(qint64 staleMs = 3000) : staleMs_(staleMs) {}

    // `states` {monitor: state} of `server`, received at `nowMs`.
    void offer(const QString& server, const QJsonObject& states, qint64 nowMs);
    void forget(const QString& server) { reports_.remove(server); }
    void setStaleMs(qint64 ms) { staleMs_ = ms; }

    // {server: state} of `monitor` on each of `servers`: `local`'s is `localState`, a peer's
    // its report while `heard(peer)` and fresh, else "Offline" (not heard) or "Unknown".
    QJsonObject perServer(const QString& monitor, const QStringList& servers, const QString& local,
                          const QString& localState, const std::function<bool(const QString&)>& heard,
                          qint64 nowMs) const;

private:
    struct Report {
        QJsonObject states;
        qint64 receivedMs = 0;
    };
    QHash<QString, Report> reports_;
    qint64 staleMs_;
};

} // namespace lifeline::daemon
