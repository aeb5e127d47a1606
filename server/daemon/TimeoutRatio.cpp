#include "TimeoutRatio.h"

#include "AlertLog.h"
#include "ConfigDocument.h"
#include "FileTree.h"

#include <QDateTime>
#include <QJsonDocument>

#include <algorithm>

namespace lifeline::daemon {

namespace {
constexpr qint64 kTimerChunkMs = 3600 * 1000;

qint64 nowMs() { return QDateTime::currentMSecsSinceEpoch(); }
} // namespace

TimeoutRatio::TimeoutRatio(QString file, QString local, AlertLog& alerts, QObject* parent)
    : QObject(parent), file_(std::move(file)), local_(std::move(local)), alerts_(alerts) {
    timer_.setSingleShot(true);
    connect(&timer_, &QTimer::timeout, this, [this] {
        if (ratio_ > 1 && deadline_.hasExpired())
            expire();
        else
            arm();
    });
}

QString TimeoutRatio::describeEnd(qint64 expiresAtMs) {
    return QDateTime::fromMSecsSinceEpoch(expiresAtMs).toString(QStringLiteral("yyyy/MM/dd HH:mm:ss"));
}

void TimeoutRatio::load() {
    QString error;
    const auto bytes = config::filetree::readFile(file_, &error);
    if (!bytes)
        return; // never set here
    const QJsonObject o = QJsonDocument::fromJson(*bytes).object();
    ratio_ = std::clamp(o.value("ratio").toInt(1), 1, kMaxRatio);
    generation_ = qint64(o.value("generation").toDouble());
    setAtMs_ = qint64(o.value("setAt").toDouble());
    origin_ = o.value("origin").toString();
    expiresAtMs_ = qint64(o.value("expiresAt").toDouble());
    if (ratio_ <= 1)
        return;
    const qint64 left = expiresAtMs_ - nowMs();
    if (left <= 0) {
        const int was = ratio_;
        ratio_ = 1;
        save();
        alerts_.info(QStringLiteral("cluster"), alert::TimeoutRatioExpired,
                     QStringLiteral("The timeout ratio %1 (set by clptoratio on %2) ended at %3, while "
                                    "lifelined was not running: timeouts are as configured.")
                         .arg(was).arg(origin_, describeEnd(expiresAtMs_)));
        return;
    }
    deadline_.setRemainingTime(std::min(left, kMaxDurationMs));
    arm();
    alerts_.info(QStringLiteral("cluster"), alert::TimeoutRatioSet,
                 QStringLiteral("The timeout ratio %1 (set by clptoratio on %2) goes on until %3: heartbeat "
                                "and monitor timeouts are multiplied by %1.")
                     .arg(ratio_).arg(origin_, describeEnd(expiresAtMs_)));
}

QJsonObject TimeoutRatio::toJson() const {
    return {{"ratio", ratio()},
            {"remainingMs", double(remainingMs())},
            {"expires", active() ? QDateTime::fromMSecsSinceEpoch(expiresAtMs_, Qt::UTC).toString(Qt::ISODateWithMs)
                                 : QString()},
            {"generation", double(generation_)},
            {"setAt", double(setAtMs_)},
            {"origin", origin_}};
}

bool TimeoutRatio::set(int ratio, qint64 durationMs, const QString& by, QString* error) {
    if (ratio < 2 || ratio > kMaxRatio) {
        *error = QStringLiteral("the ratio must be an integer from 1 to %1, not %2").arg(kMaxRatio).arg(ratio);
        return false;
    }
    if (durationMs <= 0 || durationMs > kMaxDurationMs) {
        *error = QStringLiteral("the period must be above 0 and at most 30 days, not %1 ms").arg(durationMs);
        return false;
    }
    take(ratio, durationMs, generation_ + 1, nowMs(), by);
    return true;
}

void TimeoutRatio::reset(const QString& by) {
    take(1, 0, generation_ + 1, nowMs(), by);
}

bool TimeoutRatio::greaterThanOurs(qint64 generation, qint64 setAtMs, const QString& origin) const {
    if (generation != generation_)
        return generation > generation_;
    if (setAtMs != setAtMs_)
        return setAtMs > setAtMs_;
    return origin > origin_;
}

bool TimeoutRatio::offer(const QJsonObject& r) {
    const qint64 generation = qint64(r.value("generation").toDouble());
    const qint64 setAtMs = qint64(r.value("setAt").toDouble());
    const QString origin = r.value("origin").toString();
    if (!greaterThanOurs(generation, setAtMs, origin))
        return false;
    const int ratio = std::clamp(r.value("ratio").toInt(1), 1, kMaxRatio);
    const qint64 left = std::min(qint64(r.value("remainingMs").toDouble()), kMaxDurationMs);
    take(left > 0 ? ratio : 1, left, generation, setAtMs, origin, /*ended=*/ratio > 1 && left <= 0);
    return true;
}

void TimeoutRatio::take(int ratio, qint64 remainingMs, qint64 generation, qint64 setAtMs,
                        const QString& origin, bool ended) {
    const int before = this->ratio();
    generation_ = generation;
    setAtMs_ = setAtMs;
    origin_ = origin;
    ratio_ = ratio;
    if (ratio > 1) {
        deadline_.setRemainingTime(remainingMs);
        expiresAtMs_ = nowMs() + remainingMs;
    } else {
        deadline_ = QDeadlineTimer(QDeadlineTimer::Forever);
        expiresAtMs_ = 0;
    }
    save();
    arm();
    if (ratio > 1)
        alerts_.info(QStringLiteral("cluster"), alert::TimeoutRatioSet,
                     QStringLiteral("Timeout ratio %1 is in effect until %2 (set by clptoratio on %3): "
                                    "heartbeat and monitor timeouts are multiplied by %1.")
                         .arg(ratio).arg(describeEnd(expiresAtMs_), origin));
    else if (before > 1 && ended)
        alerts_.info(QStringLiteral("cluster"), alert::TimeoutRatioExpired,
                     QStringLiteral("The timeout ratio %1 has ended (the setting of clptoratio on %2 has "
                                    "expired): heartbeat and monitor timeouts are as configured again.")
                         .arg(before).arg(origin));
    else if (before > 1)
        alerts_.info(QStringLiteral("cluster"), alert::TimeoutRatioReset,
                     QStringLiteral("The timeout ratio %1 is reset (clptoratio -i on %2): heartbeat and "
                                    "monitor timeouts are as configured again.")
                         .arg(before).arg(origin));
    if (this->ratio() != before)
        emit ratioChanged(this->ratio());
}

void TimeoutRatio::arm() {
    timer_.stop();
    if (ratio_ <= 1)
        return;
    // QTimer takes an int of milliseconds: a longer window is waited for in steps.
    timer_.start(int(std::clamp<qint64>(deadline_.remainingTime(), 0, kTimerChunkMs)));
}

void TimeoutRatio::expire() {
    const int was = ratio_;
    ratio_ = 1; // the same record (generation), ended: a peer's copy ends by its own deadline
    save();
    alerts_.info(QStringLiteral("cluster"), alert::TimeoutRatioExpired,
                 QStringLiteral("The timeout ratio %1 (set by clptoratio on %2) has expired: heartbeat and "
                                "monitor timeouts are as configured again.")
                     .arg(was).arg(origin_));
    emit ratioChanged(1);
}

// Atomic and durable, as clp.conf is written.
void TimeoutRatio::save() {
    const QJsonObject o{{"ratio", ratio_},
                        {"expiresAt", double(expiresAtMs_)},
                        {"generation", double(generation_)},
                        {"setAt", double(setAtMs_)},
                        {"origin", origin_}};
    QString error;
    if (config::writeFileAtomically(file_, QJsonDocument(o).toJson(), &error))
        return;
    alerts_.warning(QStringLiteral("cluster"), alert::TimeoutRatioSet,
                    QStringLiteral("%1: the timeout ratio holds until lifelined restarts.").arg(error));
}

} // namespace lifeline::daemon
