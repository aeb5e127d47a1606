#include "CertificateStore.h"

#include "ConfigDocument.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>

#include <memory>
#include <openssl/bio.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <sys/stat.h>

namespace lifeline::webmgr {

namespace {

template <class T, void (*Free)(T*)>
struct Deleter {
    void operator()(T* p) const { Free(p); }
};
using PKey = std::unique_ptr<EVP_PKEY, Deleter<EVP_PKEY, EVP_PKEY_free>>;
using Cert = std::unique_ptr<X509, Deleter<X509, X509_free>>;
using Bio = std::unique_ptr<BIO, Deleter<BIO, BIO_free_all>>;

QString opensslError(const char* what) {
    const unsigned long code = ERR_get_error();
    char buffer[256] = {};
    if (code)
        ERR_error_string_n(code, buffer, sizeof buffer);
    return QStringLiteral("%1 failed: %2")
        .arg(QLatin1String(what), code ? QString::fromLatin1(buffer) : QStringLiteral("unknown"));
}

QByteArray bioBytes(BIO* bio) {
    char* data = nullptr;
    const long size = BIO_get_mem_data(bio, &data);
    return QByteArray(data, int(size));
}

bool addExtension(X509* cert, int nid, const char* value) {
    X509V3_CTX ctx;
    X509V3_set_ctx_nodb(&ctx);
    X509V3_set_ctx(&ctx, cert, cert, nullptr, nullptr, 0);
    X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value);
    if (!ext)
        return false;
    const bool ok = X509_add_ext(cert, ext, -1) == 1;
    X509_EXTENSION_free(ext);
    return ok;
}

// Writes with a umask that keeps the temporary file private from the start.
bool writePrivate(const QString& path, const QByteArray& bytes, QString* error) {
    const mode_t old = ::umask(077);
    const bool ok = config::writeFileAtomically(path, bytes, error);
    ::umask(old);
    return ok;
}

} // namespace

CertificateStore::CertificateStore(QString directory) : dir_(std::move(directory)) {}

QString CertificateStore::certificatePath() const { return dir_ + QStringLiteral("/server.crt"); }
QString CertificateStore::keyPath() const { return dir_ + QStringLiteral("/server.key"); }

bool CertificateStore::generate(const QString& commonName, int validDays, QByteArray* certificatePem,
                                QByteArray* keyPem, QString* error) {
    PKey key(EVP_EC_gen("P-256"));
    if (!key) {
        *error = opensslError("EC P-256 key generation");
        return false;
    }
    Cert cert(X509_new());
    unsigned char serial[16];
    RAND_bytes(serial, sizeof serial);
    serial[0] &= 0x7f; // a positive serial number
    BIGNUM* bn = BN_bin2bn(serial, sizeof serial, nullptr);
    const bool serialOk = bn && BN_to_ASN1_INTEGER(bn, X509_get_serialNumber(cert.get()));
    BN_free(bn);
    const QByteArray cn = commonName.toUtf8();
    X509_NAME* name = X509_get_subject_name(cert.get());
    if (!serialOk || X509_set_version(cert.get(), 2) != 1 ||
        !X509_gmtime_adj(X509_getm_notBefore(cert.get()), -3600) ||
        !X509_time_adj_ex(X509_getm_notAfter(cert.get()), validDays, 0, nullptr) ||
        X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_UTF8,
                                   reinterpret_cast<const unsigned char*>(cn.constData()),
                                   int(cn.size()), -1, 0) != 1 ||
        X509_set_issuer_name(cert.get(), name) != 1 || X509_set_pubkey(cert.get(), key.get()) != 1) {
        *error = opensslError("filling in the certificate");
        return false;
    }
    const QByteArray san = "DNS:" + cn;
    if (!addExtension(cert.get(), NID_basic_constraints, "critical,CA:FALSE") ||
        !addExtension(cert.get(), NID_ext_key_usage, "serverAuth") ||
        !addExtension(cert.get(), NID_subject_alt_name, san.constData())) {
        *error = opensslError("adding the certificate extensions");
        return false;
    }
    if (X509_sign(cert.get(), key.get(), EVP_sha256()) <= 0) {
        *error = opensslError("signing the certificate");
        return false;
    }
    Bio certBio(BIO_new(BIO_s_mem()));
    Bio keyBio(BIO_new(BIO_s_mem()));
    if (PEM_write_bio_X509(certBio.get(), cert.get()) != 1 ||
        PEM_write_bio_PrivateKey(keyBio.get(), key.get(), nullptr, nullptr, 0, nullptr,
                                 nullptr) != 1) {
        *error = opensslError("writing PEM");
        return false;
    }
    *certificatePem = bioBytes(certBio.get());
    *keyPem = bioBytes(keyBio.get());
    return true;
}

bool CertificateStore::ensure(const QString& commonName, bool* created, QString* error) {
    *created = false;
    const bool haveCert = QFileInfo::exists(certificatePath());
    const bool haveKey = QFileInfo::exists(keyPath());
    if (haveCert && haveKey)
        return true;
    if (haveCert != haveKey) {
        *error = QStringLiteral("%1 exists but %2 does not; put both back or remove both to "
                                "have a new self-signed certificate made")
                     .arg(haveCert ? certificatePath() : keyPath(),
                          haveCert ? keyPath() : certificatePath());
        return false;
    }
    if (!QDir().mkpath(dir_)) {
        *error = QStringLiteral("%1: cannot create the directory").arg(dir_);
        return false;
    }
    QByteArray certPem, keyPem;
    if (!generate(commonName, 3652, &certPem, &keyPem, error))
        return false;
    // The key first: a certificate without its key is the state reported above.
    if (!writePrivate(keyPath(), keyPem, error) || !writePrivate(certificatePath(), certPem, error))
        return false;
    QFile::setPermissions(certificatePath(), QFileDevice::ReadOwner | QFileDevice::WriteOwner |
                                                 QFileDevice::ReadGroup | QFileDevice::ReadOther);
    *created = true;
    return true;
}

bool CertificateStore::load(QSslCertificate* certificate, QSslKey* key, QString* error) const {
    QFile certFile(certificatePath());
    if (!certFile.open(QIODevice::ReadOnly)) {
        *error = QStringLiteral("%1: cannot read: %2").arg(certificatePath(), certFile.errorString());
        return false;
    }
    *certificate = QSslCertificate(certFile.readAll(), QSsl::Pem);
    if (certificate->isNull()) {
        *error = QStringLiteral("%1: not a PEM certificate").arg(certificatePath());
        return false;
    }
    QFile keyFile(keyPath());
    if (!keyFile.open(QIODevice::ReadOnly)) {
        *error = QStringLiteral("%1: cannot read: %2").arg(keyPath(), keyFile.errorString());
        return false;
    }
    const QByteArray pem = keyFile.readAll();
    for (const auto algorithm : {QSsl::Ec, QSsl::Rsa}) {
        *key = QSslKey(pem, algorithm, QSsl::Pem, QSsl::PrivateKey);
        if (!key->isNull())
            return true;
    }
    *error = QStringLiteral("%1: not a PEM EC or RSA private key").arg(keyPath());
    return false;
}

} // namespace lifeline::webmgr
