#pragma once

#include "IcmpSocket.h"

#include <QHash>
#include <QHostAddress>
#include <QList>
#include <QObject>
#include <QTimer>

#include <functional>
#include <map>
#include <memory>

namespace lifeline::np {

// Pings a set of targets all the time (so that "the target was already
// unreachable before the heartbeats were lost" can be told), and on demand
// checks afresh whether any target answers right now. A target counts as
// unreachable after `retry` unanswered pings in a row. Monotonic time only.
class PingProber : public QObject {
    Q_OBJECT
public:
    PingProber(QList<QHostAddress> targets, int intervalMs, int timeoutMs, int retry,
               QObject* parent = nullptr);

    bool start(QString* error);
    void stop();

    bool anyReachable() const { return anyReachable_; }
    // Whether some target was reachable at monotonic time `atMs` (the transitions
    // of the last hour are kept).
    bool wasReachableAt(qint64 atMs) const;
    QList<QHostAddress> targets() const { return targets_; }

    // Sends a burst of fresh echoes to every target and calls `done(true)` at the
    // first answer, or `done(false)` after `timeoutMs` without one. Answers to
    // earlier pings do not count: a stale "reachable" must not decide a partition.
    void checkNow(int timeoutMs, std::function<void(bool)> done);

    static qint64 nowMs(); // CLOCK_MONOTONIC in milliseconds

signals:
    void reachabilityChanged(bool anyReachable);

private:
    struct Outstanding {
        int target;
        qint64 sentAtMs;
        int check; // id of the checkNow() burst it belongs to, or 0
    };
    struct Check {
        std::function<void(bool)> done;
        std::unique_ptr<QTimer> deadline;
        std::unique_ptr<QTimer> resend;
    };

    void probeAll(int check);
    void onReply(const QHostAddress& from, quint16 sequence);
    void expire();
    void setReachable(bool reachable);
    void finishCheck(int check, bool answered);
    IcmpSocket* socketFor(const QHostAddress& target);

    QList<QHostAddress> targets_;
    int intervalMs_;
    int timeoutMs_;
    int retry_;
    std::unique_ptr<IcmpSocket> v4_;
    std::unique_ptr<IcmpSocket> v6_;
    QTimer interval_;
    QTimer expiry_;
    quint16 nextSequence_ = 1;
    QHash<quint16, Outstanding> outstanding_;
    QList<int> misses_; // consecutive unanswered pings per target
    bool anyReachable_ = false;
    QList<std::pair<qint64, bool>> history_; // (time, reachable) transitions
    std::map<int, Check> checks_; // move-only entries
    int nextCheck_ = 1;
};

} // namespace lifeline::np
