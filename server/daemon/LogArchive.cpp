#include "LogArchive.h"

#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QFileInfo>

#include <archive.h>
#include <archive_entry.h>

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>

namespace lifeline::daemon {

namespace {

QString bytesText(qint64 bytes) {
    return QStringLiteral("%1 bytes").arg(bytes);
}

} // namespace

LogArchive::LogArchive(QString path, QString topDir, Limits limits)
    : path_(std::move(path)), top_(std::move(topDir)), limits_(limits) {}

LogArchive::~LogArchive() {
    if (archive_) {
        archive_write_free(archive_);
        ::close(fd_);
        QFile::remove(path_);
    }
}

bool LogArchive::open(QString* error) {
    // Created 0600 from the start: scripts and logs are root's to read.
    const int fd = ::open(QFile::encodeName(path_).constData(),
                          O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0) {
        *error = QStringLiteral("cannot create %1: %2").arg(path_, qt_error_string(errno));
        return false;
    }
    archive_ = archive_write_new();
    if (archive_write_add_filter_gzip(archive_) != ARCHIVE_OK ||
        archive_write_set_format_pax_restricted(archive_) != ARCHIVE_OK ||
        archive_write_open_fd(archive_, fd) != ARCHIVE_OK) {
        *error = QStringLiteral("cannot write %1: %2")
                     .arg(path_, QString::fromUtf8(archive_error_string(archive_)));
        archive_write_free(archive_);
        archive_ = nullptr;
        ::close(fd);
        QFile::remove(path_);
        return false;
    }
    fd_ = fd; // libarchive does not close a descriptor it was given: close() does
    return true;
}

bool LogArchive::write(const QString& name, const QByteArray& data, const QDateTime& mtime,
                       int mode) {
    if (!archive_ || failed_)
        return false;
    archive_entry* entry = archive_entry_new();
    const QByteArray path = (top_ + QLatin1Char('/') + name).toUtf8();
    archive_entry_set_pathname_utf8(entry, path.constData());
    archive_entry_set_size(entry, data.size());
    archive_entry_set_filetype(entry, AE_IFREG);
    archive_entry_set_perm(entry, mode_t(mode));
    archive_entry_set_mtime(entry, mtime.toSecsSinceEpoch(), 0);
    bool ok = archive_write_header(archive_, entry) == ARCHIVE_OK;
    if (ok && !data.isEmpty())
        ok = archive_write_data(archive_, data.constData(), size_t(data.size())) == data.size();
    archive_entry_free(entry);
    if (!ok) {
        failed_ = true;
        error_ = QStringLiteral("cannot write %1: %2")
                     .arg(path_, QString::fromUtf8(archive_error_string(archive_)));
    }
    return ok;
}

QByteArray LogArchive::bounded(const QByteArray& data, bool tail, qint64 wholeSize, QString* note) {
    const qint64 room = std::min(limits_.perFile, limits_.total - total_);
    QByteArray out = data;
    if (out.size() > room)
        out = tail ? out.right(room) : out.left(room);
    if (out.size() < wholeSize) {
        if (tail) {
            // A log read from its end starts at a whole line.
            if (const auto newline = out.indexOf('\n'); newline >= 0 && newline + 1 < out.size())
                out.remove(0, newline + 1);
            *note = QStringLiteral("only the last %1 of %2 (limit %3 a file, %4 in all)")
                        .arg(bytesText(out.size()), bytesText(wholeSize),
                             bytesText(limits_.perFile), bytesText(limits_.total));
        } else {
            *note = QStringLiteral("only the first %1 (limit %2 a file, %3 in all)")
                        .arg(bytesText(out.size()), bytesText(limits_.perFile),
                             bytesText(limits_.total));
        }
    }
    return out;
}

void LogArchive::addData(const QString& name, const QByteArray& data) {
    if (total_ >= limits_.total) {
        note(name, QStringLiteral("left out: the archive holds its limit of %1")
                       .arg(bytesText(limits_.total)));
        return;
    }
    QString why;
    const QByteArray kept = bounded(data, false, data.size(), &why);
    if (write(name, kept, QDateTime::currentDateTimeUtc(), 0644)) {
        total_ += kept.size();
        entries_.append({name, kept.size(), why});
    }
}

void LogArchive::addFile(const QString& name, const QString& source) {
    const QFileInfo info(source);
    if (!info.exists()) {
        note(name, QStringLiteral("%1 is not present").arg(source));
        return;
    }
    if (total_ >= limits_.total) {
        note(name, QStringLiteral("left out: the archive holds its limit of %1")
                       .arg(bytesText(limits_.total)));
        return;
    }
    QFile file(source);
    if (!file.open(QIODevice::ReadOnly)) {
        note(name, QStringLiteral("cannot read %1: %2").arg(source, file.errorString()));
        return;
    }
    const qint64 room = std::min(limits_.perFile, limits_.total - total_);
    const qint64 size = file.size();
    QByteArray data;
    qint64 whole = 0;
    bool tail = false;
    if (size > 0) {
        // A log: its newest part matters, so read the end. It may grow meanwhile; what was
        // there when we looked is enough.
        tail = size > room;
        if (tail)
            file.seek(size - room);
        data = file.read(std::min(size, room));
        whole = size;
    } else {
        // /proc and other files without a known length: from the start, one byte over the
        // room to know whether there is more, in small reads (a sysctl file refuses a read of
        // megabytes with ENOMEM).
        while (data.size() <= room) {
            const QByteArray more = file.read(std::min<qint64>(64 * 1024, room + 1 - data.size()));
            if (more.isEmpty())
                break;
            data += more;
        }
        whole = data.size();
    }
    if (file.error() != QFileDevice::NoError) {
        note(name, QStringLiteral("cannot read %1: %2").arg(source, file.errorString()));
        return;
    }
    QString why;
    const QByteArray kept = bounded(data, tail, whole, &why);
    const int mode = info.permissions() & QFileDevice::ExeOwner ? 0755 : 0644;
    if (write(name, kept, info.lastModified(), mode)) {
        total_ += kept.size();
        entries_.append({name, kept.size(), why});
    }
}

void LogArchive::addTree(const QString& name, const QString& dir, const QStringList& exclude) {
    if (!QFileInfo(dir).isDir()) {
        note(name + QLatin1Char('/'), QStringLiteral("%1 is not present").arg(dir));
        return;
    }
    QStringList files;
    QDirIterator it(dir, QDir::Files | QDir::Hidden | QDir::NoSymLinks,
                    QDirIterator::Subdirectories);
    const QDir base(dir);
    while (it.hasNext()) {
        const QString relative = base.relativeFilePath(it.next());
        const bool excluded = std::any_of(exclude.begin(), exclude.end(), [&](const QString& e) {
            return relative == e || relative.startsWith(e + QLatin1Char('/'));
        });
        if (!excluded)
            files << relative;
    }
    files.sort();
    for (const auto& relative : files)
        addFile(name + QLatin1Char('/') + relative, base.filePath(relative));
}

void LogArchive::note(const QString& name, const QString& why) {
    missing_.append({name, why});
}

bool LogArchive::close(const QString& header, QString* error) {
    if (!archive_) {
        *error = QStringLiteral("%1 is not open").arg(path_);
        return false;
    }
    QString manifest = header;
    if (!manifest.endsWith(QLatin1Char('\n')))
        manifest += QLatin1Char('\n');
    manifest += QStringLiteral("\nContents (%1 files, %2 before compression):\n")
                    .arg(entries_.size())
                    .arg(bytesText(total_));
    for (const auto& e : entries_) {
        manifest += QStringLiteral("  %1  %2").arg(e.size, 10).arg(e.name);
        if (!e.note.isEmpty())
            manifest += QStringLiteral("  (%1)").arg(e.note);
        manifest += QLatin1Char('\n');
    }
    if (!missing_.isEmpty()) {
        manifest += QStringLiteral("\nNot collected:\n");
        for (const auto& [name, why] : missing_)
            manifest += QStringLiteral("  %1: %2\n").arg(name, why);
    }
    write(QStringLiteral("MANIFEST.txt"), manifest.toUtf8(), QDateTime::currentDateTimeUtc(), 0644);
    bool ok = !failed_ && archive_write_close(archive_) == ARCHIVE_OK;
    if (!ok && error_.isEmpty())
        error_ = QStringLiteral("cannot write %1: %2")
                     .arg(path_, QString::fromUtf8(archive_error_string(archive_)));
    archive_write_free(archive_);
    archive_ = nullptr;
    if (::fsync(fd_) != 0 && ok) {
        ok = false;
        error_ = QStringLiteral("cannot write %1: %2").arg(path_, qt_error_string(errno));
    }
    ::close(fd_);
    fd_ = -1;
    if (!ok) {
        QFile::remove(path_);
        *error = error_;
    }
    return ok;
}

} // namespace lifeline::daemon
