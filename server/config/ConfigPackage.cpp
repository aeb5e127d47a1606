#include "ConfigPackage.h"

#include "ConfigDocument.h"
#include "FileTree.h"
#include "ScriptSet.h"

#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QSet>

#include <algorithm>

namespace lifeline::config {

bool isSafeRelativePath(const QString& path) {
    if (path.isEmpty() || path.startsWith('/') || path.contains(QChar(0)) || path.size() > 4096)
        return false;
    for (const auto& segment : path.split('/'))
        if (segment.isEmpty() || segment == QLatin1String(".") || segment == QLatin1String(".."))
            return false;
    return true;
}

std::optional<ConfigPackage> ConfigPackage::readDirectory(const QString& dir, QString* error) {
    ConfigPackage package;
    const QDir base(dir);
    QFile conf(base.filePath(QStringLiteral("clp.conf")));
    if (!conf.open(QIODevice::ReadOnly)) {
        *error = QStringLiteral("%1: cannot open: %2").arg(conf.fileName(), conf.errorString());
        return std::nullopt;
    }
    if (conf.size() > kMaxBytes) {
        *error = QStringLiteral("%1 has %2 bytes; a configuration sent to the servers may have "
                                "at most %3 bytes with its scripts")
                     .arg(conf.fileName())
                     .arg(conf.size())
                     .arg(kMaxBytes);
        return std::nullopt;
    }
    package.conf = conf.readAll();
    const QString scripts = base.filePath(QStringLiteral("scripts"));
    // Symbolic links are not followed: a package holds the files themselves.
    QDirIterator it(scripts, QDir::Files | QDir::Hidden | QDir::NoSymLinks,
                    QDirIterator::Subdirectories);
    while (it.hasNext()) {
        const QString path = it.next();
        QFile file(path);
        if (!file.open(QIODevice::ReadOnly)) {
            *error = QStringLiteral("%1: cannot open: %2").arg(path, file.errorString());
            return std::nullopt;
        }
        File f;
        f.path = QDir(scripts).relativeFilePath(path);
        f.data = file.readAll();
        f.mode = int(QFileInfo(path).permissions() & QFileDevice::ExeOwner) ? 0755 : 0644;
        package.scripts << f;
        if (package.scripts.size() > kMaxFiles || package.size() > kMaxBytes) {
            *error = QStringLiteral("%1 with its scripts/ is larger than the %2 bytes (or %3 "
                                    "files) a configuration sent to the servers may have")
                         .arg(conf.fileName())
                         .arg(kMaxBytes)
                         .arg(kMaxFiles);
            return std::nullopt;
        }
    }
    std::sort(package.scripts.begin(), package.scripts.end(),
              [](const File& a, const File& b) { return a.path < b.path; });
    return package;
}

bool ConfigPackage::writeDirectory(const QString& dir, QString* error) const {
    if (!QDir().mkpath(dir)) {
        *error = QStringLiteral("%1: cannot create the directory").arg(dir);
        return false;
    }
    const QDir base(dir);
    const QString fresh = base.filePath(QStringLiteral(".scripts.new"));
    const QString scripts = base.filePath(QStringLiteral("scripts"));
    if (!filetree::writeTree(fresh, treeEntries(), error))
        return false;
    if (!filetree::replace(fresh, scripts, error))
        return false;
    return writeFileAtomically(base.filePath(QStringLiteral("clp.conf")), conf, error);
}

QList<filetree::Entry> ConfigPackage::treeEntries() const {
    QList<filetree::Entry> out;
    for (const auto& f : scripts)
        out << filetree::Entry{f.path, f.data, f.mode};
    return out;
}

namespace {

QByteArray toLf(QByteArray bytes) {
    return bytes.replace("\r\n", "\n");
}
QByteArray toCrlf(const QByteArray& bytes) {
    return toLf(bytes).replace("\n", "\r\n");
}

} // namespace

ConfigPackage ConfigPackage::fromFormat(Format format) const {
    if (format == Format::Linux)
        return *this;
    ConfigPackage out = *this;
    out.conf = toLf(out.conf);
    for (auto& f : out.scripts)
        f.data = toLf(f.data);
    return out;
}

ConfigPackage ConfigPackage::toFormat(Format format) const {
    if (format == Format::Linux)
        return *this;
    ConfigPackage out = *this;
    out.conf = toCrlf(out.conf);
    for (auto& f : out.scripts)
        f.data = toCrlf(f.data);
    return out;
}

qint64 ConfigPackage::size() const {
    qint64 total = conf.size();
    for (const auto& f : scripts)
        total += f.data.size() + f.path.size();
    return total;
}

const ConfigPackage::File* ConfigPackage::script(const QString& path) const {
    for (const auto& f : scripts)
        if (f.path == path)
            return &f;
    return nullptr;
}

QJsonObject ConfigPackage::toJson() const {
    QJsonArray files;
    for (const auto& f : scripts)
        files.append(QJsonObject{
            {"path", f.path}, {"mode", f.mode}, {"data", QString::fromLatin1(f.data.toBase64())}});
    return {{"conf", QString::fromLatin1(conf.toBase64())}, {"scripts", files}};
}

std::optional<ConfigPackage> ConfigPackage::fromJson(const QJsonObject& json, QString* error) {
    auto decode = [](const QJsonValue& v, QByteArray* out) {
        if (!v.isString())
            return false;
        auto result = QByteArray::fromBase64Encoding(v.toString().toLatin1(),
                                                     QByteArray::AbortOnBase64DecodingErrors);
        if (!result)
            return false;
        *out = *result;
        return true;
    };
    ConfigPackage package;
    if (!decode(json.value("conf"), &package.conf) || package.conf.isEmpty()) {
        *error = QStringLiteral("\"conf\" must be the base64 text of clp.conf");
        return std::nullopt;
    }
    const auto files = json.value("scripts").toArray();
    if (files.size() > kMaxFiles) {
        *error = QStringLiteral("more than %1 scripts").arg(kMaxFiles);
        return std::nullopt;
    }
    QSet<QString> seen;
    for (const auto& v : files) {
        const auto o = v.toObject();
        File f;
        f.path = o.value("path").toString();
        f.mode = o.value("mode").toInt(0755) & 0777;
        if (!isSafeRelativePath(f.path) || seen.contains(f.path)) {
            *error = QStringLiteral("script path \"%1\" is not a relative path below scripts/ "
                                    "(or is given twice)")
                         .arg(f.path);
            return std::nullopt;
        }
        if (!decode(o.value("data"), &f.data)) {
            *error = QStringLiteral("script %1: \"data\" must be base64").arg(f.path);
            return std::nullopt;
        }
        seen.insert(f.path);
        package.scripts << f;
    }
    // A file and a directory of one name cannot both be written.
    for (const auto& f : package.scripts)
        for (auto dir = f.path.section('/', 0, -2); !dir.isEmpty(); dir = dir.section('/', 0, -2))
            if (seen.contains(dir)) {
                *error =
                    QStringLiteral("script path \"%1\" is both a file and a directory").arg(dir);
                return std::nullopt;
            }
    if (package.size() > kMaxBytes) {
        *error = QStringLiteral("the configuration with its scripts has %1 bytes, more than %2")
                     .arg(package.size())
                     .arg(kMaxBytes);
        return std::nullopt;
    }
    return package;
}

void ConfigPackage::checkScripts(const ClusterConfig& config, Diagnostics& diagnostics) const {
    for (const auto& required : requiredScripts(config)) {
        const QString path = required.relativePath.mid(QStringLiteral("scripts/").size());
        if (!script(path))
            diagnostics.error(required.owner,
                              QStringLiteral("script %1 is missing").arg(required.relativePath));
    }
}

} // namespace lifeline::config
