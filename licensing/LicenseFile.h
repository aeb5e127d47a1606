#pragma once

#include "License.h"

#include <QByteArray>
#include <QString>

#include <optional>

namespace lifeline::licensing {

// The license file (README.md "License file"): one JSON object, UTF-8, with "format":
// "lifeline-license-1" and the fields of License::toJson(). What the vendor sends and
// `clplcnsc -i FILE` reads; the only way a trial license is registered.
class LicenseFile {
public:
    static constexpr const char* kFormat = "lifeline-license-1";
    static constexpr qint64 kMaxSize = 64 * 1024;

    // Nothing and *error ("FILE: what is wrong") when it cannot be read or is not a license
    // file. Whether the license is genuine is LicenseVerifier's question.
    static std::optional<License> read(const QString& path, QString* error);
    static std::optional<License> parse(const QByteArray& bytes, const QString& name,
                                        QString* error);
    static QByteArray toBytes(const License& license);
};

} // namespace lifeline::licensing
