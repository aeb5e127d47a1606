#pragma once

#include <QByteArray>
#include <QSslCertificate>
#include <QString>
#include <memory>
#include <openssl/types.h>

namespace lifeline::rpc {

// The cluster's secret material, kept in one file `clp.key` beside clp.conf and distributed with
// it: a random 32-byte secret (from which the heartbeat HMAC key and other keys are derived) and
// the cluster CA (self-signed ECDSA P-256 certificate and its private key) that every node uses
// to issue its own TLS certificate. Whoever holds this is a member of the cluster.
//
// A value type: copies share the same immutable material. A default-constructed key is null.
class ClusterKey {
public:
    static constexpr int kSecretBytes = 32;
    static constexpr int kDerivedKeyBytes = 32;
    static constexpr int kCaValidityDays = 100 * 365 + 25; // no rotation yet: outlive the cluster
    static constexpr qint64 kMaxFileBytes = 64 * 1024;
    static constexpr const char* kFileName = "clp.key";
    static constexpr const char* kSecretPemLabel = "LIFELINE CLUSTER SECRET";

    ClusterKey();

    // New secret (RAND_bytes) and new CA "Lifeline cluster <name> CA". Null only if OpenSSL fails.
    static ClusterKey generate(const QString& clusterName);

    // Reads `path`. Refuses (null key, message naming the file in `error`) a file that group or
    // others may access, and a malformed file.
    static ClusterKey load(const QString& path, QString* error);
    // Parses the file format; `source` names the origin in messages.
    static ClusterKey fromPem(const QByteArray& pem, const QString& source, QString* error);

    // Writes mode 0600 atomically (temporary file, fsync, rename, fsync of the directory).
    bool save(const QString& path, QString* error) const;
    QByteArray toPem() const;

    // `clp.key` in the directory of `clpConfPath` (clp.conf, or the directory holding it).
    static QString pathBeside(const QString& clpConfPath);

    bool isNull() const { return !d_; }
    QString clusterName() const;
    QSslCertificate caCertificate() const;

    // HKDF-SHA256 (OpenSSL EVP_KDF) of the secret for one purpose, 32 bytes; deterministic for a
    // given key and purpose, unrelated between purposes. E.g. deriveKey("heartbeat").
    QByteArray deriveKey(const QByteArray& purpose) const;

    // 64 lowercase hex digits that identify the key (secret and CA) without revealing it: nodes
    // with the same fingerprint hold the same clp.key.
    QByteArray fingerprint() const;

    friend bool operator==(const ClusterKey& a, const ClusterKey& b);

private:
    friend class NodeCredentials; // signs node certificates with the CA key
    struct Data;
    explicit ClusterKey(std::shared_ptr<const Data> d);
    X509* caX509() const;
    EVP_PKEY* caPrivateKey() const;
    std::shared_ptr<const Data> d_;
};

} // namespace lifeline::rpc
