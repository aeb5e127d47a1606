#pragma once

#include "License.h"
#include "LicenseKey.h"

#include <QDateTime>
#include <QJsonObject>
#include <QString>

#include <memory>

typedef struct evp_pkey_st EVP_PKEY;

namespace lifeline::licensing {

// Checks licenses with the vendor's Ed25519 public key (OpenSSL EVP), and says precisely
// why one is refused: fields that do not fit, a license of another product, a malformed key,
// a key for another serial number, product or count, fields changed after signing, an
// expired trial (README.md "Checks"). Holds no private key: nothing we ship can sign.
class LicenseVerifier {
public:
    struct Verdict {
        enum class Status { Valid, Expired, Invalid };
        Status status = Status::Invalid;
        QString message; // why it is not valid, for people
        QString key;     // the key as the product writes it (when it could be read)
        bool ok() const { return status == Status::Valid; }
        QString statusName() const; // "valid", "expired", "invalid"
    };

    // With the key compiled into this build (CompiledKey).
    LicenseVerifier();
    // With another key: SubjectPublicKeyInfo PEM, or the 32 raw bytes (tests, the vendor tool).
    static LicenseVerifier fromPem(const QByteArray& pem);
    static LicenseVerifier fromRaw(const QByteArray& raw);

    bool isUsable() const { return key_ != nullptr; }
    QString keyError() const { return keyError_; }
    // The first 16 hex digits of SHA-256 over the raw public key.
    QString fingerprint() const;
    // Whether this is the compiled TEST key of tests/keys (CompiledKey::isTestKey).
    bool isTestKey() const { return test_; }
    // {"fingerprint", "test"}: which key a build checks with (clplcnsc -l --json, `licenses`).
    QJsonObject keyJson() const;

    // `license` as registered for `product` (empty: any) at `now`.
    Verdict check(const License& license, const QString& product = {},
                  const QDateTime& now = QDateTime::currentDateTimeUtc()) const;
    bool signatureMatches(const LicenseKey& key, const License& license) const;

private:
    explicit LicenseVerifier(std::shared_ptr<EVP_PKEY> key, QString error, bool test);
    // Why a signature does not match: the first field the key's header or a trial of the
    // other counts can name, else that some field or the key was changed.
    QString mismatch(const LicenseKey& key, const License& license) const;

    std::shared_ptr<EVP_PKEY> key_;
    QString keyError_;
    bool test_ = false;
};

} // namespace lifeline::licensing
