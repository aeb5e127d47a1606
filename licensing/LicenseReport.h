#pragma once

#include "LicenseStore.h"
#include "LicenseVerifier.h"

#include <QDateTime>
#include <QJsonObject>

namespace lifeline::licensing {

// The license state of a server as JSON — `clplcnsc -l --json`, lifelined's `licenses`
// command, `clpstat --lic` (server/control/PROTOCOL.md "licenses"):
//   {"publicKey": {"fingerprint", "test"},
//    "licenses": [{product, kind, version, count, serial, expiry?, key,
//                  "status": "valid"|"expired"|"invalid", "message"?, "productName",
//                  "registered", "source"}]}
// Every stored license is checked again here: a row edited by hand shows as invalid.
struct LicenseReport {
    static QJsonObject toJson(const QList<LicenseStore::Entry>& entries,
                              const LicenseVerifier& verifier,
                              const QDateTime& now = QDateTime::currentDateTimeUtc());
};

} // namespace lifeline::licensing
