#include "ConfigStaging.h"

#include "ConfigDocument.h"

#include <QDir>
#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonObject>

#include <cerrno>
#include <cstdio>
#include <cstring>

namespace lifeline::config {

namespace {

const QString kConf = QStringLiteral("clp.conf");
const QString kScripts = QStringLiteral("scripts");
const QString kCommit = QStringLiteral(".commit");

bool exists(const QString& path) {
    return QFileInfo::exists(path);
}

} // namespace

ConfigStaging::ConfigStaging(QString configDir) : dir_(std::move(configDir)) {}

QString ConfigStaging::stagedToken() const {
    const auto token = filetree::readFile(stagingDir() + QStringLiteral("/token"), nullptr);
    // The token is written last: a staging directory without it is incomplete.
    return token ? QString::fromUtf8(*token).trimmed() : QString();
}

QString ConfigStaging::committedToken() const {
    const auto record = filetree::readFile(path(kCommit), nullptr);
    return record ? QJsonDocument::fromJson(*record).object().value("token").toString() : QString();
}

bool ConfigStaging::stage(const QString& token, const ConfigPackage& package, QString* error) {
    if (token.isEmpty() || !isSafeRelativePath(token)) {
        *error = QStringLiteral("invalid upload token \"%1\"").arg(token);
        return false;
    }
    if (!QDir().mkpath(dir_)) {
        *error = QStringLiteral("%1: cannot create the directory").arg(dir_);
        return false;
    }
    const QString staging = stagingDir();
    if (!filetree::remove(staging) || !QDir().mkpath(staging)) {
        *error = QStringLiteral("%1: cannot create the directory").arg(staging);
        return false;
    }
    if (!filetree::writeTree(staging + QLatin1Char('/') + kScripts, package.treeEntries(), error) ||
        !writeFileAtomically(staging + QLatin1Char('/') + kConf, package.conf, error) ||
        !writeFileAtomically(staging + QStringLiteral("/token"), token.toUtf8(), error))
        return false;
    filetree::syncDirectory(dir_);
    return true;
}

bool ConfigStaging::commit(const QString& token, QString* error) {
    const QString staging = stagingDir();
    if (stagedToken() != token) {
        if (committedToken() == token && !exists(staging))
            return true; // done before
        *error = QStringLiteral("nothing is staged for upload %1").arg(token);
        return false;
    }
    // Keep what is there now; record what existed before anything is replaced.
    const bool hadConf = exists(path(kConf));
    const bool hadScripts = QFileInfo(path(kScripts)).isDir();
    if (hadConf) {
        const auto current = filetree::readFile(path(kConf), error);
        if (!current || !writeFileAtomically(path(kConf) + QStringLiteral(".bak"), *current, error))
            return false;
    }
    if (hadScripts) {
        const QString copy = staging + QStringLiteral("/scripts.bak");
        if (!filetree::copyTree(path(kScripts), copy, error) ||
            !filetree::replace(copy, path(kScripts) + QStringLiteral(".bak"), error))
            return false;
    }
    const QJsonObject record{{"token", token}, {"conf", hadConf}, {"scripts", hadScripts}};
    if (!writeFileAtomically(path(kCommit), QJsonDocument(record).toJson(QJsonDocument::Compact),
                             error))
        return false;
    // Install: scripts/ first, then clp.conf (a configuration never runs a script
    // it does not list, so new scripts beside the old clp.conf harm nothing).
    if (!filetree::replace(staging + QLatin1Char('/') + kScripts, path(kScripts), error))
        return false;
    const QByteArray from = QFile::encodeName(staging + QLatin1Char('/') + kConf);
    const QByteArray to = QFile::encodeName(path(kConf));
    if (::rename(from.constData(), to.constData()) != 0) {
        *error = QStringLiteral("cannot rename %1 to %2: %3")
                     .arg(staging + QLatin1Char('/') + kConf, path(kConf),
                          QString::fromLocal8Bit(std::strerror(errno)));
        return false;
    }
    filetree::syncDirectory(dir_);
    filetree::remove(staging);
    filetree::syncDirectory(dir_);
    return true;
}

bool ConfigStaging::rollback(const QString& token, QString* error) {
    if (committedToken() != token) {
        abort(token); // never installed (or already rolled back): the old files are in place
        return true;
    }
    const auto raw = filetree::readFile(path(kCommit), nullptr);
    const auto record = raw ? QJsonDocument::fromJson(*raw).object() : QJsonObject();
    if (record.value("conf").toBool()) {
        const auto previous = filetree::readFile(path(kConf) + QStringLiteral(".bak"), error);
        if (!previous || !writeFileAtomically(path(kConf), *previous, error))
            return false;
    } else if (!filetree::remove(path(kConf))) {
        *error = QStringLiteral("%1: cannot remove").arg(path(kConf));
        return false;
    }
    if (record.value("scripts").toBool()) {
        const QString copy = path(QStringLiteral(".rollback"));
        if (!filetree::copyTree(path(kScripts) + QStringLiteral(".bak"), copy, error) ||
            !filetree::replace(copy, path(kScripts), error))
            return false;
    } else if (!filetree::remove(path(kScripts))) {
        *error = QStringLiteral("%1: cannot remove").arg(path(kScripts));
        return false;
    }
    filetree::remove(path(kCommit));
    filetree::remove(stagingDir());
    filetree::syncDirectory(dir_);
    return true;
}

void ConfigStaging::abort(const QString& token) {
    if (token.isEmpty() || stagedToken() == token ||
        !exists(stagingDir() + QStringLiteral("/token"))) {
        filetree::remove(stagingDir());
        filetree::syncDirectory(dir_);
    }
}

} // namespace lifeline::config
