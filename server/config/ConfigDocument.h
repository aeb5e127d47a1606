#pragma once

#include "Diagnostic.h"

#include <QByteArray>
#include <QDomDocument>
#include <QString>
#include <optional>

namespace lifeline::config {

// A clp.conf file as an XML tree, kept whole so that elements Lifeline does not
// model survive a load/save cycle. It remembers the file's character set and
// line endings and writes them back the same way.
class ConfigDocument {
public:
    static constexpr qsizetype kMaxBytes = 16 * 1024 * 1024; // clp.conf files are a few KiB
    static constexpr int kMaxDepth = 64;

    // Parses `bytes`; `source` names the file in messages. On failure returns
    // nothing and adds an error (with line and column for XML syntax errors).
    static std::optional<ConfigDocument> parse(const QByteArray& bytes, const QString& source,
                                               Diagnostics& diagnostics);
    static std::optional<ConfigDocument> load(const QString& path, Diagnostics& diagnostics);

    // A new document with an empty <root>, UTF-8 (used by the Builder).
    static ConfigDocument create(const QString& charset = QStringLiteral("UTF-8"));

    QDomDocument& dom() { return dom_; }
    const QDomDocument& dom() const { return dom_; }
    QDomElement root() const { return dom_.documentElement(); }

    QString charset() const { return charset_; }
    void setCharset(const QString& charset) { charset_ = charset; }
    bool crlf() const { return crlf_; }
    void setCrlf(bool crlf) { crlf_ = crlf; }

    // SHA-256 of the document's content (element names, sorted attributes, trimmed
    // text): the same configuration saved with other indentation, line endings or
    // character set has the same hash. Heartbeats carry it to find mismatches.
    QByteArray contentHash() const;

    // The file's bytes in its character set and line endings.
    std::optional<QByteArray> serialize(QString* error = nullptr) const;

    // Writes atomically (temporary file, fsync, rename). An existing file at
    // `path` is kept as `<path>.bak` first.
    bool save(const QString& path, QString* error = nullptr) const;

private:
    QDomDocument dom_;
    QString charset_ = QStringLiteral("UTF-8");
    bool crlf_ = false;
};

// Writes `bytes` to `path` atomically: write a temporary file in the same
// directory, fsync it, rename it over `path`, fsync the directory.
bool writeFileAtomically(const QString& path, const QByteArray& bytes, QString* error);

} // namespace lifeline::config
