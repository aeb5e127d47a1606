#pragma once

#include <QByteArray>
#include <QJsonObject>

namespace lifeline::webmgr {

// GET /metrics: lifelined's `status` in the Prometheus text format 0.0.4. Pure: no I/O.
class Metrics {
public:
    static inline const QByteArray kContentType = "text/plain; version=0.0.4; charset=utf-8";

    // The failover count and durations come from `status.failovers` (left out without it).
    static QByteArray render(const QJsonObject& status);
    // A label value with \, " and line breaks escaped.
    static QByteArray escape(const QString& value);
};

} // namespace lifeline::webmgr
