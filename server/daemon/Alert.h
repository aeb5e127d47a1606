#pragma once

#include <QDateTime>
#include <QJsonObject>
#include <QString>

#include <optional>

namespace lifeline::daemon {

namespace alert {
// clplogcmd: module "logcmd", event id 1 unless the script gives one (-i).
inline constexpr int LogCommand = 1;
inline constexpr int kLogCommandMaxId = 10000;
inline constexpr int kLogCommandMaxMessage = 511;
} // namespace alert

// One alert: what happened, where and when. (server, seq) identifies it in the
// whole cluster: every server numbers the alerts it raises itself.
struct Alert {
    enum class Type { Info, Warning, Error };
    QDateTime time; // wall clock, for display only (UTC in the store and in JSON)
    QString server; // the server that raised it
    QString module;
    Type type = Type::Info;
    int id = 0; // event id, by module (README's alert table)
    QString message;
    qint64 seq = 0; // the raising server's sequence number; 0 until stored

    QString typeName() const;
    QString line() const; // as written to alert.log
    // {time (ISO-8601 UTC, ms), server, seq, module, type, id, message}
    QJsonObject toJson() const;
    // The inverse of toJson (alerts coming from another server): nothing when a field is missing.
    static std::optional<Alert> fromJson(const QJsonObject& json);
    // "info", "warning", "error" (also "warn", "err", any case, as clplogcmd -l takes them).
    static std::optional<Type> typeFromName(const QString& name);
    static QString typeName(Type type);
};

} // namespace lifeline::daemon
