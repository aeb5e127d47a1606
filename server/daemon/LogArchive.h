#pragma once

#include <QByteArray>
#include <QDateTime>
#include <QList>
#include <QPair>
#include <QString>
#include <QStringList>

struct archive;

namespace lifeline::daemon {

// One tar.gz of collected files (clplogcc), written with libarchive: every entry below one
// top directory, and a MANIFEST.txt at the end listing what is in it and what was cut or left
// out and why. Bounded: a file over `perFile` keeps its newest part (the tail, from a line
// start; for files of unknown length such as /proc the head), and once `total` bytes are in
// the archive the rest is left out — so a runaway log cannot fill the disk of the server that
// collects. Not thread-safe; one archive is written by one thread.
class LogArchive {
public:
    struct Limits {
        qint64 perFile = 16 * 1024 * 1024;
        qint64 total = 256 * 1024 * 1024;
    };
    struct Entry {
        QString name; // below the top directory
        qint64 size = 0;
        QString note; // "" or why it is not whole
    };

    LogArchive(QString path, QString topDir, Limits limits);
    ~LogArchive(); // an archive not closed is removed
    LogArchive(const LogArchive&) = delete;
    LogArchive& operator=(const LogArchive&) = delete;

    bool open(QString* error);
    // `name` is a relative path below the top directory.
    void addData(const QString& name, const QByteArray& data);
    // A file (a missing or unreadable one is noted in the manifest).
    void addFile(const QString& name, const QString& source);
    // Every regular file below `dir` (sorted; symbolic links are not followed), except
    // those whose path relative to `dir` starts with one of `exclude`.
    void addTree(const QString& name, const QString& dir, const QStringList& exclude = {});
    // Notes a part of the collection that could not be had (shown in the manifest).
    void note(const QString& name, const QString& why);
    // Writes MANIFEST.txt (with `header` lines first) and finishes the file.
    bool close(const QString& header, QString* error);

    const QList<Entry>& entries() const { return entries_; }
    qint64 contentBytes() const { return total_; }

private:
    bool write(const QString& name, const QByteArray& data, const QDateTime& mtime, int mode);
    // What of `data` fits the limits (a tail starting at a line, or the head), and why.
    QByteArray bounded(const QByteArray& data, bool tail, qint64 wholeSize, QString* note);

    QString path_;
    QString top_;
    Limits limits_;
    archive* archive_ = nullptr;
    int fd_ = -1;
    bool failed_ = false;
    QString error_;
    qint64 total_ = 0;
    QList<Entry> entries_;
    QList<QPair<QString, QString>> missing_; // (name, why) for the manifest
};

} // namespace lifeline::daemon
