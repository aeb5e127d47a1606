#include "Alert.h"

#include <QTimeZone>

namespace lifeline::daemon {

QString Alert::typeName(Type type) {
    switch (type) {
    case Type::Info:
        return QStringLiteral("info");
    case Type::Warning:
        return QStringLiteral("warning");
    case Type::Error:
        return QStringLiteral("error");
    }
    return {};
}

QString Alert::typeName() const {
    return typeName(type);
}

std::optional<Alert::Type> Alert::typeFromName(const QString& name) {
    const QString n = name.trimmed().toLower();
    if (n == QLatin1String("info") || n == QLatin1String("information"))
        return Type::Info;
    if (n == QLatin1String("warning") || n == QLatin1String("warn"))
        return Type::Warning;
    if (n == QLatin1String("error") || n == QLatin1String("err"))
        return Type::Error;
    return std::nullopt;
}

QString Alert::line() const {
    return QStringLiteral("%1 %2 %3 %4 %5 %6")
        .arg(time.toString(Qt::ISODateWithMs), server, module, typeName())
        .arg(id)
        .arg(message);
}

QJsonObject Alert::toJson() const {
    return {{"time", time.toUTC().toString(Qt::ISODateWithMs)},
            {"server", server},
            {"seq", double(seq)},
            {"module", module},
            {"type", typeName()},
            {"id", id},
            {"message", message}};
}

std::optional<Alert> Alert::fromJson(const QJsonObject& json) {
    Alert a;
    a.time = QDateTime::fromString(json.value("time").toString(), Qt::ISODateWithMs);
    a.server = json.value("server").toString();
    a.seq = qint64(json.value("seq").toDouble());
    a.module = json.value("module").toString();
    const auto type = typeFromName(json.value("type").toString());
    a.id = json.value("id").toInt();
    a.message = json.value("message").toString();
    if (!a.time.isValid() || a.server.isEmpty() || a.seq <= 0 || a.module.isEmpty() || !type)
        return std::nullopt;
    a.type = *type;
    a.time = a.time.toTimeZone(QTimeZone::utc());
    return a;
}

} // namespace lifeline::daemon
