#include "LicenseVerifier.h"

#include "CompiledKey.h"
#include "OpenSsl.h"
#include "Product.h"

#include <QCryptographicHash>

#include <openssl/err.h>
#include <openssl/pem.h>

namespace lifeline::licensing {

namespace openssl = rpc::openssl;

namespace {

std::shared_ptr<EVP_PKEY> shared(EVP_PKEY* key) {
    return key ? std::shared_ptr<EVP_PKEY>(key, EVP_PKEY_free) : nullptr;
}

QString checkEd25519(const std::shared_ptr<EVP_PKEY>& key) {
    if (!key)
        return openssl::takeError("not a public key");
    if (EVP_PKEY_get_id(key.get()) != EVP_PKEY_ED25519)
        return QStringLiteral("the public key is not an Ed25519 key");
    return {};
}

} // namespace

QString LicenseVerifier::Verdict::statusName() const {
    switch (status) {
    case Status::Valid:
        return QStringLiteral("valid");
    case Status::Expired:
        return QStringLiteral("expired");
    case Status::Invalid:
        return QStringLiteral("invalid");
    }
    return {};
}

LicenseVerifier::LicenseVerifier(std::shared_ptr<EVP_PKEY> key, QString error, bool test)
    : key_(error.isEmpty() ? std::move(key) : nullptr), keyError_(std::move(error)), test_(test) {}

LicenseVerifier::LicenseVerifier() {
    const QByteArray hex = CompiledKey::rawHex();
    *this = hex.isEmpty() ? fromPem(CompiledKey::pem()) : fromRaw(QByteArray::fromHex(hex));
    test_ = CompiledKey::isTestKey();
    if (!keyError_.isEmpty())
        keyError_ =
            QStringLiteral("the license public key of this build cannot be used: ") + keyError_;
}

LicenseVerifier LicenseVerifier::fromPem(const QByteArray& pem) {
    openssl::Ptr<BIO> bio(BIO_new_mem_buf(pem.constData(), int(pem.size())));
    auto key = shared(bio ? PEM_read_bio_PUBKEY(bio.get(), nullptr, nullptr, nullptr) : nullptr);
    QString error = checkEd25519(key);
    return LicenseVerifier(std::move(key), std::move(error), false);
}

LicenseVerifier LicenseVerifier::fromRaw(const QByteArray& raw) {
    auto key = shared(EVP_PKEY_new_raw_public_key(
        EVP_PKEY_ED25519, nullptr, reinterpret_cast<const unsigned char*>(raw.constData()),
        size_t(raw.size())));
    QString error = checkEd25519(key);
    return LicenseVerifier(std::move(key), std::move(error), false);
}

QString LicenseVerifier::fingerprint() const {
    if (!key_)
        return {};
    unsigned char raw[32];
    size_t size = sizeof raw;
    if (EVP_PKEY_get_raw_public_key(key_.get(), raw, &size) != 1)
        return {};
    const QByteArray bytes(reinterpret_cast<const char*>(raw), int(size));
    return QString::fromLatin1(
        QCryptographicHash::hash(bytes, QCryptographicHash::Sha256).left(8).toHex());
}

QJsonObject LicenseVerifier::keyJson() const {
    return {{"fingerprint", fingerprint()}, {"test", test_}};
}

bool LicenseVerifier::signatureMatches(const LicenseKey& key, const License& license) const {
    if (!key_ || key.signature.size() != LicenseKey::kSignatureSize)
        return false;
    std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(), EVP_MD_CTX_free);
    const QByteArray message = LicenseKey::signedMessage(key.header, license);
    // Ed25519 signs the message itself: no digest is named.
    const bool ok =
        ctx && EVP_DigestVerifyInit(ctx.get(), nullptr, nullptr, nullptr, key_.get()) == 1 &&
        EVP_DigestVerify(ctx.get(),
                         reinterpret_cast<const unsigned char*>(key.signature.constData()),
                         size_t(key.signature.size()),
                         reinterpret_cast<const unsigned char*>(message.constData()),
                         size_t(message.size())) == 1;
    ERR_clear_error();
    return ok;
}

QString LicenseVerifier::mismatch(const LicenseKey& key, const License& license) const {
    if (key.header.mid(1, 3) != LicenseKey::serialTag(license.serial))
        return QStringLiteral("The license key belongs to another serial number, not %1.")
            .arg(license.serial);
    if (key.header.mid(4, 2) != LicenseKey::productTag(license.product)) {
        QString other = QStringLiteral("unknown");
        for (const auto& p : Product::all())
            if (key.header.mid(4, 2) == LicenseKey::productTag(p.id))
                other = p.id;
        return QStringLiteral("The license key is for another product (%1), not %2.")
            .arg(other, license.product);
    }
    // The count (and with it CPU or VM node) is what people mistype most: try the others.
    License other = license;
    const Product* product = Product::find(license.product);
    for (int count = 0; product && product->isCluster() && count <= License::kMaxCpus; ++count) {
        other.kind = count == 0 ? License::Kind::Vm : License::Kind::Cpu;
        other.count = count;
        if (count != license.count && signatureMatches(key, other))
            return QStringLiteral("The license key is for %1, not %2.")
                .arg(other.countText(), license.countText());
    }
    return QStringLiteral("The license key does not match the license: a field (version, expiry, "
                          "kind, ...) was changed or the key was mistyped.");
}

LicenseVerifier::Verdict LicenseVerifier::check(const License& license, const QString& product,
                                                const QDateTime& now) const {
    Verdict v;
    v.message = license.fieldError();
    if (!v.message.isEmpty())
        return v;
    if (!product.isEmpty() && license.product != product) {
        v.message = QStringLiteral("The license is for %1, not %2.").arg(license.product, product);
        return v;
    }
    const auto key = LicenseKey::parse(license.key, &v.message);
    if (!key)
        return v;
    v.key = key->text();
    if (!key_) {
        v.message = keyError_;
        return v;
    }
    if (!signatureMatches(*key, license)) {
        v.message = mismatch(*key, license);
        return v;
    }
    if (license.version == License::Version::Trial && license.expiry <= now) {
        v.status = Verdict::Status::Expired;
        v.message = QStringLiteral("The license of trial expired by %1. (%2)")
                        .arg(License::displayTime(license.expiry), license.product);
        return v;
    }
    v.status = Verdict::Status::Valid;
    v.message.clear();
    return v;
}

} // namespace lifeline::licensing
