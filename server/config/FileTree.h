#pragma once

#include <QByteArray>
#include <QList>
#include <QString>
#include <optional>

// Durable file-tree operations for installing a configuration (clp.conf + scripts/):
// every file is fsynced before it is renamed and every directory after it changes,
// so that after a crash a tree is either the old one or the new one.
namespace lifeline::config::filetree {

struct Entry {
    QString path; // relative, "/" separated (checked by the caller)
    QByteArray data;
    int mode = 0755;
};

// Creates `dir` afresh (removing what was there) holding exactly `entries`, all durable.
bool writeTree(const QString& dir, const QList<Entry>& entries, QString* error);
// Every regular file below `dir` (empty when `dir` does not exist).
bool readTree(const QString& dir, QList<Entry>* entries, QString* error);
// Copies the tree at `from` to `to` (writeTree of readTree).
bool copyTree(const QString& from, const QString& to, QString* error);
// Puts the directory `fresh` in the place of `target` in one step (renameat2
// RENAME_EXCHANGE where the file system has it, else two renames), then removes
// what `target` held. `target` may be missing.
bool replace(const QString& fresh, const QString& target, QString* error);
// Removes a file or a tree; true when nothing is left at `path`.
bool remove(const QString& path);
// fsync(2) of a directory, so that renames and removals in it are durable.
void syncDirectory(const QString& dir);
// Reads a whole file; nothing when it cannot be read.
std::optional<QByteArray> readFile(const QString& path, QString* error);

} // namespace lifeline::config::filetree
