#pragma once

#include "ClusterConfig.h"
#include "Diagnostic.h"
#include "FileTree.h"

#include <QByteArray>
#include <QJsonObject>
#include <QList>
#include <QString>
#include <optional>

namespace lifeline::config {

// A configuration as it travels between a directory, clpcfctrl, lifelined and the
// other servers: the bytes of clp.conf and every file under scripts/ (the manual:
// "clp.conf and scripts must travel together").
struct ConfigPackage {
    struct File {
        QString path; // relative to scripts/, "/" separated: "failover1/exec1/start.sh"
        QByteArray data;
        int mode = 0755; // permission bits
    };

    // Where the files were saved: on Linux they are taken as they are; a Builder
    // on Windows writes CRLF line endings, which a shell script cannot run with.
    // (The character set needs no conversion: EUC-JP, SJIS and UTF-8 are all read.)
    enum class Format { Linux, Windows };

    // A package is carried in one control request (1 MiB line) and one RPC frame.
    static constexpr qint64 kMaxBytes = 700 * 1024;
    static constexpr int kMaxFiles = 4096;

    QByteArray conf;
    QList<File> scripts;

    // DIR/clp.conf and every regular file below DIR/scripts/ (none when there is no
    // scripts/). Nothing, with `error`, when clp.conf cannot be read or the package
    // is too large.
    static std::optional<ConfigPackage> readDirectory(const QString& dir, QString* error);
    // Writes DIR/clp.conf and DIR/scripts/ (replacing what scripts/ held), each file
    // written, fsynced and renamed into place.
    bool writeDirectory(const QString& dir, QString* error) const;

    // The package as a server keeps it (Windows: CRLF -> LF), and as a Builder on
    // `format` expects it (Windows: LF -> CRLF).
    ConfigPackage fromFormat(Format format) const;
    ConfigPackage toFormat(Format format) const;

    qint64 size() const;
    const File* script(const QString& path) const;

    // {"conf": base64, "scripts": [{"path", "mode", "data": base64}]}
    QJsonObject toJson() const;
    // Refuses unsafe paths (absolute, "..", empty segments), duplicates and
    // oversized packages, so that a package can be written below a directory.
    static std::optional<ConfigPackage> fromJson(const QJsonObject& json, QString* error);

    // The scripts the configuration runs that the package lacks, reported as
    // clpcfchk reports them for a directory (ScriptSet::checkScripts).
    void checkScripts(const ClusterConfig& config, Diagnostics& diagnostics) const;

    // The scripts as files to write below a scripts/ directory.
    QList<filetree::Entry> treeEntries() const;
};

// True for "a/b/c" without empty, "." or ".." segments, NUL or a leading "/".
bool isSafeRelativePath(const QString& path);

} // namespace lifeline::config
