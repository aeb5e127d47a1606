#pragma once

#include <QByteArray>
#include <QString>
#include <memory>
#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/evp.h>
#include <openssl/kdf.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

// Small glue between OpenSSL 3 objects and Qt: owning pointers, PEM/DER export and the
// certificate fields ClusterKey and NodeCredentials both set.
namespace lifeline::rpc::openssl {

struct Free {
    void operator()(BIO* p) const noexcept { BIO_free_all(p); }
    void operator()(BIGNUM* p) const noexcept { BN_free(p); }
    void operator()(EVP_KDF* p) const noexcept { EVP_KDF_free(p); }
    void operator()(EVP_KDF_CTX* p) const noexcept { EVP_KDF_CTX_free(p); }
    void operator()(EVP_PKEY* p) const noexcept { EVP_PKEY_free(p); }
    void operator()(X509* p) const noexcept { X509_free(p); }
    void operator()(X509_EXTENSION* p) const noexcept { X509_EXTENSION_free(p); }
};
template <typename T> using Ptr = std::unique_ptr<T, Free>;

// The text of the oldest error on this thread's OpenSSL error queue (or `fallback`), and
// empties the queue so that a later failure does not report a stale reason.
QString takeError(const char* fallback = "unknown OpenSSL error");

// A fresh ECDSA P-256 key pair.
Ptr<EVP_PKEY> generateP256Key(QString* error);

QByteArray certificateDer(X509* cert);
QByteArray certificatePem(X509* cert);
QByteArray privateKeyPem(EVP_PKEY* key); // unencrypted PKCS#8 ("PRIVATE KEY")

// The first commonName of the certificate's subject, or an empty string.
QString subjectCommonName(X509* cert);

// Sets the fields every Lifeline certificate has: v3, a random positive 127-bit serial, a
// validity from `notBeforeSeconds` (relative to now, may be negative) for `days` days,
// the subject (CN plus O), the issuer and the public key.
bool fillCertificate(X509* cert, X509* issuer, EVP_PKEY* publicKey, const QString& commonName,
                     const QString& organization, long notBeforeSeconds, int days, QString* error);

// Adds one X.509v3 extension in openssl.cnf syntax, e.g. (NID_key_usage, "critical,keyCertSign").
bool addExtension(X509* cert, X509* issuer, int nid, const char* value, QString* error);

} // namespace lifeline::rpc::openssl
