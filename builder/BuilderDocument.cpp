#include "BuilderDocument.h"

#include "ConfigCheck.h"
#include "ConfigReader.h"
#include "ConfigWriter.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>

namespace lifeline::builder {

using namespace config;

BuilderDocument BuilderDocument::create(const ClusterConfig& config,
                                        const QList<ConfigPackage::File>& scripts) {
    BuilderDocument doc;
    doc.document_ = ConfigDocument::create();
    doc.config_ = config;
    doc.scripts_ = scripts;
    return doc;
}

std::optional<BuilderDocument> BuilderDocument::open(const QString& path, QString* error) {
    const QFileInfo info(path);
    const QString dir = info.isDir() ? info.absoluteFilePath() : info.absolutePath();
    auto package = ConfigPackage::readDirectory(dir, error);
    if (!package)
        return std::nullopt;
    auto doc = fromPackage(*package, QDir(dir).filePath(QStringLiteral("clp.conf")), error);
    if (doc)
        doc->directory_ = dir;
    return doc;
}

std::optional<BuilderDocument> BuilderDocument::fromPackage(const ConfigPackage& package,
                                                            const QString& origin, QString* error) {
    auto loaded = parseConfig(package.conf, origin);
    if (!loaded.document) {
        *error = loaded.diagnostics.texts().join(QLatin1Char('\n'));
        return std::nullopt;
    }
    BuilderDocument doc;
    doc.document_ = std::move(*loaded.document);
    doc.config_ = std::move(loaded.config);
    doc.scripts_ = package.scripts;
    return doc;
}

std::optional<ConfigPackage> BuilderDocument::package(QString* error) const {
    const auto bytes = configBytes(config_, &document_, error);
    if (!bytes)
        return std::nullopt;
    return ConfigPackage{*bytes, scripts_};
}

bool BuilderDocument::save(const QString& dir, QString* error) {
    const auto bytes = configBytes(config_, &document_, error);
    if (!bytes)
        return false;
    if (!QDir().mkpath(dir)) {
        *error = QStringLiteral("%1: cannot create the directory").arg(dir);
        return false;
    }
    // The previous configuration stays as clp.conf.bak (ARCHITECTURE "Nothing lost").
    const QString conf = QDir(dir).filePath(QStringLiteral("clp.conf"));
    QFile previous(conf);
    if (previous.exists()) {
        if (!previous.open(QIODevice::ReadOnly)) {
            *error = QStringLiteral("%1: cannot open: %2").arg(conf, previous.errorString());
            return false;
        }
        if (!writeFileAtomically(conf + QStringLiteral(".bak"), previous.readAll(), error))
            return false;
    }
    if (!ConfigPackage{*bytes, scripts_}.writeDirectory(dir, error))
        return false;
    directory_ = QFileInfo(dir).absoluteFilePath();
    return true;
}

bool BuilderDocument::exportTo(const QString& dir, ConfigPackage::Format format,
                               QString* error) const {
    const auto saved = package(error);
    if (!saved)
        return false;
    if (!QDir().mkpath(dir)) {
        *error = QStringLiteral("%1: cannot create the directory").arg(dir);
        return false;
    }
    // Normalized to LF first: a file opened with CRLF exports for Linux with LF.
    return saved->fromFormat(ConfigPackage::Format::Windows).toFormat(format).writeDirectory(dir, error);
}

void BuilderDocument::setContent(const ClusterConfig& config,
                                 const QList<ConfigPackage::File>& scripts) {
    config_ = config;
    scripts_ = scripts;
}

Diagnostics BuilderDocument::check() const {
    return checkConfig(config_, &document_, scripts_);
}

} // namespace lifeline::builder
