#include "LicenseIssuer.h"

#include "LicenseKey.h"
#include "OpenSsl.h"

#include <QFile>

#include <openssl/pem.h>

namespace lifeline::licensing {

namespace openssl = rpc::openssl;

namespace {

QByteArray publicPemOf(EVP_PKEY* key) {
    openssl::Ptr<BIO> bio(BIO_new(BIO_s_mem()));
    if (!key || !bio || PEM_write_bio_PUBKEY(bio.get(), key) != 1)
        return {};
    char* data = nullptr;
    const long size = BIO_get_mem_data(bio.get(), &data);
    return QByteArray(data, int(size));
}

} // namespace

LicenseIssuer LicenseIssuer::fromPemFile(const QString& path, QString* error) {
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        *error = QStringLiteral("cannot read the private key %1: %2").arg(path, file.errorString());
        return {};
    }
    LicenseIssuer issuer = fromPem(file.readAll(), error);
    if (!issuer.isUsable())
        *error = QStringLiteral("%1: %2").arg(path, *error);
    return issuer;
}

LicenseIssuer LicenseIssuer::fromPem(const QByteArray& pem, QString* error) {
    LicenseIssuer issuer;
    openssl::Ptr<BIO> bio(BIO_new_mem_buf(pem.constData(), int(pem.size())));
    EVP_PKEY* key = bio ? PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr) : nullptr;
    if (!key) {
        *error = QStringLiteral("not a PEM private key: ") + openssl::takeError();
        return issuer;
    }
    issuer.key_.reset(key, EVP_PKEY_free);
    if (EVP_PKEY_get_id(key) != EVP_PKEY_ED25519) {
        *error = QStringLiteral("not an Ed25519 private key");
        issuer.key_.reset();
    }
    return issuer;
}

bool LicenseIssuer::generate(QByteArray* privatePem, QByteArray* publicPem, QString* error) {
    openssl::Ptr<EVP_PKEY> key(EVP_PKEY_Q_keygen(nullptr, nullptr, "ED25519"));
    if (!key) {
        *error = QStringLiteral("cannot generate an Ed25519 key: ") + openssl::takeError();
        return false;
    }
    *privatePem = openssl::privateKeyPem(key.get());
    *publicPem = publicPemOf(key.get());
    if (privatePem->isEmpty() || publicPem->isEmpty()) {
        *error = QStringLiteral("cannot write the key pair: ") + openssl::takeError();
        return false;
    }
    return true;
}

QByteArray LicenseIssuer::publicKeyPem() const {
    return publicPemOf(key_.get());
}

QByteArray LicenseIssuer::publicKeyRaw() const {
    unsigned char raw[32];
    size_t size = sizeof raw;
    if (!key_ || EVP_PKEY_get_raw_public_key(key_.get(), raw, &size) != 1)
        return {};
    return QByteArray(reinterpret_cast<const char*>(raw), int(size));
}

bool LicenseIssuer::issue(License& license, QString* error) const {
    *error = license.fieldError();
    if (!error->isEmpty())
        return false;
    if (!key_) {
        *error = QStringLiteral("no private key");
        return false;
    }
    LicenseKey key;
    key.header = LicenseKey::headerFor(license.product, license.serial);
    const QByteArray message = LicenseKey::signedMessage(key.header, license);
    unsigned char signature[LicenseKey::kSignatureSize];
    size_t size = sizeof signature;
    std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(), EVP_MD_CTX_free);
    if (!ctx || EVP_DigestSignInit(ctx.get(), nullptr, nullptr, nullptr, key_.get()) != 1 ||
        EVP_DigestSign(ctx.get(), signature, &size,
                       reinterpret_cast<const unsigned char*>(message.constData()),
                       size_t(message.size())) != 1) {
        *error = QStringLiteral("cannot sign: ") + openssl::takeError();
        return false;
    }
    key.signature = QByteArray(reinterpret_cast<const char*>(signature), int(size));
    license.key = key.text();
    return true;
}

} // namespace lifeline::licensing
