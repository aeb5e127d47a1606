#pragma once

#include <QDateTime>
#include <QHash>
#include <QJsonObject>
#include <QList>
#include <QMap>
#include <QString>
#include <QStringList>

namespace lifeline::daemon {

// The failovers this server measured, each with how long it took (monotonic milliseconds
// the caller gives; the wall clock only for display). Pure: tested without a cluster.
//
//   server loss (measured on the server the group comes Online on):
//     detection = last heartbeat heard from the lost server -> it is declared down (every
//                 path timed out);
//     takeover  = declared down (partition resolution, the takeover delay and the
//                 activation follow) -> the group is Online here.
//   monitor error (measured on the server whose monitor saw it, which hears the target's
//   group table at once when it changes; that trip, a few ms, is included):
//     takeover  = the error asked for the failover -> the group is Online on another server.
//
// Each failover is counted once in the cluster: a server loss on the target, a monitor
// failover on its source. The newest kKept are kept; `count` only grows (since the start).
class FailoverTimes {
public:
    static constexpr int kKept = 32;
    // A takeover that has not ended after this long is no longer waited for (not measured).
    static constexpr qint64 kPendingLimitMs = 10 * 60 * 1000;

    struct Record {
        QString group;
        QString cause;  // "server" or "monitor"
        QString source; // the lost server, or the monitor
        QString from;   // the server the group left
        QString to;     // the server it is Online on
        qint64 detectionMs = -1; // server loss only
        qint64 takeoverMs = 0;
        QDateTime at; // when it ended (wall clock, display only)
        QJsonObject toJson() const;
    };

    // `lost` (it held `groups`) was declared down at `nowMs`; last heard at `lastHeardMs`
    // (-1: not known, then the detection is not given).
    void serverLost(const QString& lost, const QStringList& groups, qint64 lastHeardMs, qint64 nowMs);
    // `server` is heard again: its groups not taken over yet will not be.
    void serverBack(const QString& server);
    // Monitor `monitor` here asked at `nowMs` for `group` to leave `local`.
    void monitorFailover(const QString& monitor, const QString& group, const QString& local, qint64 nowMs);
    // `group` is Online on `server` at `nowMs`: ends a waiting takeover onto `local` (server
    // loss) or a monitor failover away from `local`. True when a failover was recorded.
    bool groupOnline(const QString& group, const QString& server, const QString& local, qint64 nowMs,
                     const QDateTime& wallNow);
    bool waiting() const { return !pending_.isEmpty(); }

    qint64 count() const { return count_; }
    const QList<Record>& recent() const { return recent_; }
    // {count, recent: [record...] (oldest first), totals: [{group, cause, to, count,
    // detectionCount, detectionSeconds, takeoverSeconds}]}: the totals are sums since the
    // start per (group, cause, target), so they only grow (Prometheus summaries).
    QJsonObject toJson() const;

private:
    struct Pending {
        QString cause;
        QString source;
        QString from;
        qint64 startMs = 0;
        qint64 detectionMs = -1;
    };
    void expire(qint64 nowMs);

    QHash<QString, Pending> pending_; // by group
    QList<Record> recent_;
    struct Total {
        qint64 count = 0;
        qint64 detectionCount = 0;
        qint64 detectionMs = 0;
        qint64 takeoverMs = 0;
    };
    QMap<std::tuple<QString, QString, QString>, Total> totals_; // (group, cause, to)
    qint64 count_ = 0;
};

} // namespace lifeline::daemon
