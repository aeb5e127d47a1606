#pragma once

#include <QByteArray>
#include <QString>
#include <optional>

namespace lifeline::config {

// Character set conversion for clp.conf files, which ExpressCluster writes in
// EUC-JP, SJIS or ASCII. Qt's own codecs only cover the Unicode family, so the
// legacy Japanese sets go through iconv(3).
namespace encoding {

// Converts `bytes` from `charset` to UTF-8. Returns nothing (and sets `error`)
// when the charset is unknown to iconv or the bytes are not valid in it.
std::optional<QByteArray> toUtf8(const QByteArray& bytes, const QString& charset, QString* error);

// Converts UTF-8 `bytes` to `charset`; nothing when a character has no
// representation there.
std::optional<QByteArray> fromUtf8(const QByteArray& bytes, const QString& charset, QString* error);

bool isAscii(const QByteArray& bytes);

// The encoding named in the XML declaration (`<?xml ... encoding="EUC-JP"?>`),
// or an empty string when there is none.
QString declaredEncoding(const QByteArray& bytes);

// `bytes` with the declaration's encoding replaced by `charset` (or added).
QByteArray withDeclaredEncoding(const QByteArray& bytes, const QString& charset);

} // namespace encoding
} // namespace lifeline::config
