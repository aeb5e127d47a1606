#include "FileTree.h"

#include "ConfigDocument.h"

#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QFileInfo>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace lifeline::config::filetree {

namespace {

QByteArray native(const QString& path) {
    return QFile::encodeName(path);
}

QString parentOf(const QString& path) {
    return QFileInfo(path).absolutePath();
}

} // namespace

void syncDirectory(const QString& dir) {
    const int fd = ::open(native(dir).constData(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0)
        return;
    ::fsync(fd);
    ::close(fd);
}

bool remove(const QString& path) {
    const QFileInfo info(path);
    if (!info.exists() && !info.isSymLink())
        return true;
    if (info.isDir() && !info.isSymLink())
        QDir(path).removeRecursively();
    else
        QFile::remove(path);
    return !QFileInfo::exists(path);
}

std::optional<QByteArray> readFile(const QString& path, QString* error) {
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        if (error)
            *error = QStringLiteral("%1: cannot read: %2").arg(path, file.errorString());
        return std::nullopt;
    }
    return file.readAll();
}

bool writeTree(const QString& dir, const QList<Entry>& entries, QString* error) {
    if (!remove(dir) || !QDir().mkpath(dir)) {
        *error = QStringLiteral("%1: cannot create the directory").arg(dir);
        return false;
    }
    QStringList dirs{dir};
    for (const auto& e : entries) {
        const QString path = dir + QLatin1Char('/') + e.path;
        const QString parent = parentOf(path);
        if (!QDir().mkpath(parent)) {
            *error = QStringLiteral("%1: cannot create the directory").arg(parent);
            return false;
        }
        if (!dirs.contains(parent))
            dirs << parent;
        if (!writeFileAtomically(path, e.data, error))
            return false;
        if (::chmod(native(path).constData(), mode_t(e.mode & 0777)) != 0) {
            *error = QStringLiteral("%1: cannot set its mode: %2")
                         .arg(path, QString::fromLocal8Bit(std::strerror(errno)));
            return false;
        }
    }
    // Deepest first, so that each directory entry is durable before its parent's.
    std::sort(dirs.begin(), dirs.end(),
              [](const QString& a, const QString& b) { return a.size() > b.size(); });
    for (const auto& d : dirs)
        syncDirectory(d);
    syncDirectory(parentOf(dir));
    return true;
}

bool readTree(const QString& dir, QList<Entry>* entries, QString* error) {
    entries->clear();
    if (!QFileInfo(dir).isDir())
        return true;
    QDirIterator it(dir, QDir::Files | QDir::Hidden | QDir::NoSymLinks,
                    QDirIterator::Subdirectories);
    while (it.hasNext()) {
        const QString path = it.next();
        const auto data = readFile(path, error);
        if (!data)
            return false;
        const bool exec = QFileInfo(path).permissions() & QFileDevice::ExeOwner;
        entries->append(Entry{QDir(dir).relativeFilePath(path), *data, exec ? 0755 : 0644});
    }
    return true;
}

bool copyTree(const QString& from, const QString& to, QString* error) {
    QList<Entry> entries;
    return readTree(from, &entries, error) && writeTree(to, entries, error);
}

bool replace(const QString& fresh, const QString& target, QString* error) {
    const QByteArray a = native(fresh);
    const QByteArray b = native(target);
    auto failed = [&](const char* what) {
        *error = QStringLiteral("cannot %1 %2 and %3: %4")
                     .arg(QLatin1String(what), fresh, target,
                          QString::fromLocal8Bit(std::strerror(errno)));
        return false;
    };
    if (!QFileInfo::exists(target) && !QFileInfo(target).isSymLink()) {
        if (::rename(a.constData(), b.constData()) != 0)
            return failed("rename");
    } else if (::renameat2(AT_FDCWD, a.constData(), AT_FDCWD, b.constData(), RENAME_EXCHANGE) !=
               0) {
        if (errno != EINVAL && errno != ENOSYS)
            return failed("exchange");
        // No RENAME_EXCHANGE on this file system: move the old one aside first.
        const QString aside = fresh + QStringLiteral(".old");
        remove(aside);
        if (::rename(b.constData(), native(aside).constData()) != 0)
            return failed("move aside");
        if (::rename(a.constData(), b.constData()) != 0) {
            ::rename(native(aside).constData(), b.constData());
            return failed("rename");
        }
        syncDirectory(parentOf(target));
        remove(aside);
        return true;
    }
    syncDirectory(parentOf(target));
    if (parentOf(fresh) != parentOf(target))
        syncDirectory(parentOf(fresh));
    remove(fresh); // now holds what target held
    return true;
}

} // namespace lifeline::config::filetree
