#include "ControlProtocol.h"

#include <QDir>
#include <QJsonDocument>

namespace lifeline::control {

QString runDirectory(const QString& root) {
    const QString base = root.isEmpty() ? QStringLiteral("/") : QDir::cleanPath(root);
    return base == QLatin1String("/") ? QStringLiteral("/run/lifeline")
                                      : base + QStringLiteral("/run/lifeline");
}

QString socketPath(const QString& root) {
    return runDirectory(root) + QStringLiteral("/control.sock");
}

static QByteArray line(const QJsonObject& o) {
    return QJsonDocument(o).toJson(QJsonDocument::Compact) + '\n';
}

QByteArray encodeResult(const QJsonValue& id, const QJsonObject& result) {
    return line({{"version", kProtocolVersion}, {"id", id}, {"ok", true}, {"result", result}});
}

QByteArray encodeError(const QJsonValue& id, const QString& code, const QString& message) {
    return line({{"version", kProtocolVersion},
                 {"id", id},
                 {"ok", false},
                 {"error", QJsonObject{{"code", code}, {"message", message}}}});
}

QByteArray encodeRequest(qint64 id, const QString& command, const QJsonObject& args) {
    return line({{"version", kProtocolVersion}, {"id", id}, {"command", command}, {"args", args}});
}

} // namespace lifeline::control
