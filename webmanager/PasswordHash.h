#pragma once

#include <QByteArray>
#include <QString>

namespace lifeline::webmgr {

// Salted password hashes as clp.conf stores them (webmgr/security/passwd/*):
// "pbkdf2-sha256$<iterations>$<salt base64>$<hash base64>" (PBKDF2-HMAC-SHA256 of
// OpenSSL, 16 random salt bytes, 32 hash bytes). The iteration count travels with
// the hash, so it can be raised later without invalidating stored passwords.
class PasswordHash {
public:
    static constexpr int kDefaultIterations = 210000;
    static constexpr int kMinIterations = 1000;
    static constexpr int kMaxIterations = 10000000;

    // A new hash of `password` with a fresh random salt.
    static QString make(const QByteArray& password, int iterations = kDefaultIterations);
    // Whether `password` matches `stored` (compared in constant time). A malformed
    // `stored` never matches; `why` then says what is wrong with it.
    static bool verify(const QByteArray& password, const QString& stored, QString* why = nullptr);
    // Empty when `stored` is well-formed, else why not.
    static QString checkFormat(const QString& stored);
};

} // namespace lifeline::webmgr
