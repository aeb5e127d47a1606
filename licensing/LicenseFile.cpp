#include "LicenseFile.h"

#include <QFile>
#include <QJsonDocument>

namespace lifeline::licensing {

std::optional<License> LicenseFile::read(const QString& path, QString* error) {
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        *error =
            QStringLiteral("cannot read the license file %1: %2").arg(path, file.errorString());
        return std::nullopt;
    }
    const QByteArray bytes = file.read(kMaxSize + 1);
    if (bytes.size() > kMaxSize) {
        *error =
            QStringLiteral("%1: not a license file: larger than %2 bytes").arg(path).arg(kMaxSize);
        return std::nullopt;
    }
    return parse(bytes, path, error);
}

std::optional<License> LicenseFile::parse(const QByteArray& bytes, const QString& name,
                                          QString* error) {
    QJsonParseError parseError;
    const QJsonDocument doc = QJsonDocument::fromJson(bytes, &parseError);
    if (parseError.error != QJsonParseError::NoError || !doc.isObject()) {
        *error = parseError.error != QJsonParseError::NoError
                     ? QStringLiteral("%1: not a license file: %2 at offset %3")
                           .arg(name, parseError.errorString())
                           .arg(parseError.offset)
                     : QStringLiteral("%1: not a license file: not a JSON object").arg(name);
        return std::nullopt;
    }
    const QJsonObject object = doc.object();
    const QJsonValue format = object.value("format");
    if (format != QJsonValue(QLatin1String(kFormat))) {
        *error = format.isUndefined()
                     ? QStringLiteral("%1: not a license file: \"format\" is missing").arg(name)
                     : QStringLiteral("%1: \"format\" must be \"%2\", not %3")
                           .arg(name, QLatin1String(kFormat), License::jsonText(format));
        return std::nullopt;
    }
    QString why;
    auto license = License::fromJson(object, &why, {QStringLiteral("format")});
    if (!license)
        *error = QStringLiteral("%1: %2").arg(name, why);
    return license;
}

QByteArray LicenseFile::toBytes(const License& license) {
    QJsonObject object = license.toJson();
    object.insert("format", QLatin1String(kFormat));
    return QJsonDocument(object).toJson(QJsonDocument::Indented);
}

} // namespace lifeline::licensing
