#pragma once

#include <QByteArray>
#include <QJsonObject>

namespace lifeline::webmgr {

// GET /metrics: lifelined's `status` (and the failover alerts of the alert log) in the
// Prometheus text format 0.0.4. Pure: no I/O.
class Metrics {
public:
    static inline const QByteArray kContentType = "text/plain; version=0.0.4; charset=utf-8";
    static constexpr int kFailoverAlert = 503; // module "group": a group failed over

    // `failovers`: the failover alerts in the alert log (-1: unknown, left out).
    static QByteArray render(const QJsonObject& status, qint64 failovers);
    // The alerts with event id 503 in an `alerts` result.
    static qint64 countFailovers(const QJsonObject& alertsResult);
    // A label value with \, " and line breaks escaped.
    static QByteArray escape(const QString& value);
};

} // namespace lifeline::webmgr
