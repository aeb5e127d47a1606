#include "FailoverTimes.h"

#include <QJsonArray>

namespace lifeline::daemon {

QJsonObject FailoverTimes::Record::toJson() const {
    QJsonObject out{{"group", group},
                    {"cause", cause},
                    {"source", source},
                    {"from", from},
                    {"to", to},
                    {"takeoverSeconds", takeoverMs / 1000.0},
                    {"time", at.toString(Qt::ISODateWithMs)}};
    if (detectionMs >= 0)
        out.insert("detectionSeconds", detectionMs / 1000.0);
    return out;
}

void FailoverTimes::serverLost(const QString& lost, const QStringList& groups, qint64 lastHeardMs, qint64 nowMs) {
    expire(nowMs);
    for (const auto& group : groups)
        pending_.insert(group, Pending{QStringLiteral("server"), lost, lost, nowMs,
                                       lastHeardMs >= 0 ? std::max<qint64>(0, nowMs - lastHeardMs) : -1});
}

void FailoverTimes::serverBack(const QString& server) {
    for (auto it = pending_.begin(); it != pending_.end();)
        it = it->cause == QLatin1String("server") && it->source == server ? pending_.erase(it) : std::next(it);
}

void FailoverTimes::monitorFailover(const QString& monitor, const QString& group, const QString& local,
                                    qint64 nowMs) {
    expire(nowMs);
    // The first error of an episode counts: a repeated request does not restart the clock.
    if (!pending_.contains(group))
        pending_.insert(group, Pending{QStringLiteral("monitor"), monitor, local, nowMs, -1});
}

bool FailoverTimes::groupOnline(const QString& group, const QString& server, const QString& local, qint64 nowMs,
                                const QDateTime& wallNow) {
    const auto it = pending_.constFind(group);
    if (it == pending_.constEnd())
        return false;
    // A server loss is measured where the group arrives, a monitor failover where it left.
    const bool lossCase = it->cause == QLatin1String("server");
    if (lossCase ? server != local : server == it->from) {
        if (lossCase && server != it->source)
            pending_.erase(it); // taken over by another server: measured there
        return false;
    }
    const Pending p = *it;
    pending_.erase(it);
    if (nowMs - p.startMs > kPendingLimitMs)
        return false;
    recent_.append(Record{group, p.cause, p.source, p.from, server, p.detectionMs, nowMs - p.startMs, wallNow});
    auto& total = totals_[{group, p.cause, server}];
    ++total.count;
    total.takeoverMs += nowMs - p.startMs;
    if (p.detectionMs >= 0) {
        ++total.detectionCount;
        total.detectionMs += p.detectionMs;
    }
    while (recent_.size() > kKept)
        recent_.removeFirst();
    ++count_;
    return true;
}

void FailoverTimes::expire(qint64 nowMs) {
    for (auto it = pending_.begin(); it != pending_.end();)
        it = nowMs - it->startMs > kPendingLimitMs ? pending_.erase(it) : std::next(it);
}

QJsonObject FailoverTimes::toJson() const {
    QJsonArray list;
    for (const auto& r : recent_)
        list.append(r.toJson());
    QJsonArray totals;
    for (auto it = totals_.begin(); it != totals_.end(); ++it)
        totals.append(QJsonObject{{"group", std::get<0>(it.key())},
                                  {"cause", std::get<1>(it.key())},
                                  {"to", std::get<2>(it.key())},
                                  {"count", it->count},
                                  {"detectionCount", it->detectionCount},
                                  {"detectionSeconds", it->detectionMs / 1000.0},
                                  {"takeoverSeconds", it->takeoverMs / 1000.0}});
    return {{"count", count_}, {"recent", list}, {"totals", totals}};
}

} // namespace lifeline::daemon
