#pragma once

#include <QDeadlineTimer>
#include <QJsonObject>
#include <QObject>
#include <QString>
#include <QTimer>

namespace lifeline::daemon {

class AlertLog;

// clptoratio's setting on this server: every heartbeat and monitor timeout is multiplied by
// `ratio` until a deadline (a backup window), then they are as configured again.
//
// The setting is one record that every server holds: the ratio, its end, and who made it
// (`generation`, then the origin's wall clock and name, order two records: the greater one
// wins). An operator change here takes a generation above any seen; a record from a peer is
// taken when it is greater. So servers that exchange their records (TimeoutRatioSync) agree,
// also one that was down during a change or powered on after it.
//
// The end is kept twice: as a wall-clock time in the state file (it survives a restart of
// lifelined and passes while it is down) and, while running, as a monotonic deadline that
// decides the expiry (a wall-clock step does not shorten or stretch the window). Between
// servers it travels as the time left, so their clocks need not agree.
class TimeoutRatio : public QObject {
    Q_OBJECT
public:
    static constexpr int kMaxRatio = 10000;                               // as ExpressCluster
    static constexpr qint64 kMaxDurationMs = 30LL * 24 * 3600 * 1000;     // 30 days

    // `file`: the state file (<state dir>/timeoutratio.json); `local`: this server's name.
    TimeoutRatio(QString file, QString local, AlertLog& alerts, QObject* parent = nullptr);

    // Reads the state file: a setting still running goes on for the time left; one that
    // ended while lifelined was down is reported (alert) and dropped. A missing file: ratio 1.
    void load();

    int ratio() const { return active() ? ratio_ : 1; } // in effect now
    qint64 remainingMs() const { return active() ? deadline_.remainingTime() : 0; }
    qint64 expiresAtMs() const { return active() ? expiresAtMs_ : 0; } // wall clock, for display
    QString origin() const { return origin_; }
    QJsonObject toJson() const; // the record as it travels (and as `timeoutratio.show` shows it)

    // clptoratio -r RATIO -t TIME here: 2 <= ratio <= kMaxRatio, 0 < durationMs <= kMaxDurationMs
    // (ratio 1 is reset()). False with `error` for values out of range.
    bool set(int ratio, qint64 durationMs, const QString& by, QString* error);
    // clptoratio -i here.
    void reset(const QString& by);
    // A peer's record: taken when it is greater than ours. True when taken.
    bool offer(const QJsonObject& record);

signals:
    void ratioChanged(int ratio); // the ratio in effect changed (set, reset, expiry, a peer's)

private:
    bool active() const { return ratio_ > 1 && !deadline_.hasExpired(); }
    bool greaterThanOurs(qint64 generation, qint64 setAtMs, const QString& origin) const;
    // Takes a record; `remainingMs` is the time left of a ratio above 1; `ended`: a peer's
    // setting whose time was up when it arrived.
    void take(int ratio, qint64 remainingMs, qint64 generation, qint64 setAtMs, const QString& origin,
              bool ended = false);
    void arm();
    void expire();
    void save();
    static QString describeEnd(qint64 expiresAtMs);

    QString file_;
    QString local_;
    AlertLog& alerts_;
    int ratio_ = 1;
    qint64 generation_ = 0;
    qint64 setAtMs_ = 0;
    QString origin_;
    qint64 expiresAtMs_ = 0;
    QDeadlineTimer deadline_{QDeadlineTimer::Forever};
    QTimer timer_; // fires at the deadline, or every hour of a longer one (QTimer's range)
};

} // namespace lifeline::daemon
