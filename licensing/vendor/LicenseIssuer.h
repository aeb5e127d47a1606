#pragma once

#include "License.h"

#include <QByteArray>
#include <QString>

#include <memory>

typedef struct evp_pkey_st EVP_PKEY;

namespace lifeline::licensing {

// The vendor's side: signs licenses with an Ed25519 private key (OpenSSL EVP) and makes key
// pairs. Built only with the tests (lifeline-license-vendor, the unit tests) and never
// installed: the product only verifies.
class LicenseIssuer {
public:
    // From a PKCS#8 PEM private key (a file, or its text).
    static LicenseIssuer fromPemFile(const QString& path, QString* error);
    static LicenseIssuer fromPem(const QByteArray& pem, QString* error);
    // A new key pair: the private key (PKCS#8 PEM) and the public key (SubjectPublicKeyInfo PEM).
    static bool generate(QByteArray* privatePem, QByteArray* publicPem, QString* error);

    bool isUsable() const { return key_ != nullptr; }
    QByteArray publicKeyPem() const;
    QByteArray publicKeyRaw() const; // 32 bytes

    // Signs the fields of `license` and sets its key; false (and *error) when they do not fit
    // together (License::fieldError).
    bool issue(License& license, QString* error) const;

private:
    std::shared_ptr<EVP_PKEY> key_;
};

} // namespace lifeline::licensing
