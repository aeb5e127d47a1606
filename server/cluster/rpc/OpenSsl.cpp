#include "OpenSsl.h"

#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/rand.h>

namespace lifeline::rpc::openssl {

QString takeError(const char* fallback) {
    const unsigned long code = ERR_get_error();
    ERR_clear_error();
    if (code == 0)
        return QString::fromLatin1(fallback);
    char text[256];
    ERR_error_string_n(code, text, sizeof text);
    return QString::fromLatin1(text);
}

Ptr<EVP_PKEY> generateP256Key(QString* error) {
    Ptr<EVP_PKEY> key(EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256"));
    if (!key && error)
        *error = QStringLiteral("cannot generate an ECDSA P-256 key: ") + takeError();
    return key;
}

QByteArray certificateDer(X509* cert) {
    unsigned char* der = nullptr;
    const int size = i2d_X509(cert, &der);
    if (size <= 0)
        return {};
    QByteArray bytes(reinterpret_cast<const char*>(der), size);
    OPENSSL_free(der);
    return bytes;
}

namespace {

QByteArray bioContents(BIO* bio) {
    char* data = nullptr;
    const long size = BIO_get_mem_data(bio, &data);
    return size > 0 ? QByteArray(data, size) : QByteArray();
}

} // namespace

QByteArray certificatePem(X509* cert) {
    Ptr<BIO> bio(BIO_new(BIO_s_mem()));
    if (!bio || PEM_write_bio_X509(bio.get(), cert) != 1)
        return {};
    return bioContents(bio.get());
}

QByteArray privateKeyPem(EVP_PKEY* key) {
    // BIO_s_secmem wipes the buffer when it is freed.
    Ptr<BIO> bio(BIO_new(BIO_s_secmem()));
    if (!bio ||
        PEM_write_bio_PrivateKey(bio.get(), key, nullptr, nullptr, 0, nullptr, nullptr) != 1)
        return {};
    return bioContents(bio.get());
}

QString subjectCommonName(X509* cert) {
    X509_NAME* name = X509_get_subject_name(cert);
    const int index = name ? X509_NAME_get_index_by_NID(name, NID_commonName, -1) : -1;
    if (index < 0)
        return {};
    ASN1_STRING* value = X509_NAME_ENTRY_get_data(X509_NAME_get_entry(name, index));
    unsigned char* utf8 = nullptr;
    const int size = ASN1_STRING_to_UTF8(&utf8, value);
    if (size < 0)
        return {};
    QString text = QString::fromUtf8(reinterpret_cast<const char*>(utf8), size);
    OPENSSL_free(utf8);
    return text;
}

bool fillCertificate(X509* cert, X509* issuer, EVP_PKEY* publicKey, const QString& commonName,
                     const QString& organization, long notBeforeSeconds, int days, QString* error) {
    auto fail = [error](const char* what) {
        if (error)
            *error = QStringLiteral("cannot build the certificate (%1): %2")
                         .arg(QLatin1String(what), takeError());
        return false;
    };
    if (X509_set_version(cert, X509_VERSION_3) != 1)
        return fail("version");

    // RFC 5280: serials are positive and at most 20 octets. 126 random bits, top bits fixed
    // so that every serial is exactly 16 octets.
    unsigned char serial[16];
    if (RAND_bytes(serial, sizeof serial) != 1)
        return fail("random serial");
    serial[0] &= 0x7f;
    serial[0] |= 0x40;
    Ptr<BIGNUM> bn(BN_bin2bn(serial, sizeof serial, nullptr));
    if (!bn || !BN_to_ASN1_INTEGER(bn.get(), X509_get_serialNumber(cert)))
        return fail("serial");

    if (!X509_gmtime_adj(X509_getm_notBefore(cert), notBeforeSeconds) ||
        !X509_time_adj_ex(X509_getm_notAfter(cert), days, 0, nullptr))
        return fail("validity");

    X509_NAME* subject = X509_get_subject_name(cert);
    const QByteArray cn = commonName.toUtf8();
    const QByteArray o = organization.toUtf8();
    if (X509_NAME_add_entry_by_txt(subject, "O", MBSTRING_UTF8,
                                   reinterpret_cast<const unsigned char*>(o.constData()),
                                   int(o.size()), -1, 0) != 1 ||
        X509_NAME_add_entry_by_txt(subject, "CN", MBSTRING_UTF8,
                                   reinterpret_cast<const unsigned char*>(cn.constData()),
                                   int(cn.size()), -1, 0) != 1)
        return fail("subject");
    X509* signer = issuer ? issuer : cert;
    if (X509_set_issuer_name(cert, X509_get_subject_name(signer)) != 1)
        return fail("issuer");
    if (X509_set_pubkey(cert, publicKey) != 1)
        return fail("public key");
    return true;
}

bool addExtension(X509* cert, X509* issuer, int nid, const char* value, QString* error) {
    X509V3_CTX ctx;
    X509V3_set_ctx_nodb(&ctx);
    X509V3_set_ctx(&ctx, issuer ? issuer : cert, cert, nullptr, nullptr, 0);
    Ptr<X509_EXTENSION> ext(X509V3_EXT_conf_nid(nullptr, &ctx, nid, value));
    if (!ext || X509_add_ext(cert, ext.get(), -1) != 1) {
        if (error)
            *error = QStringLiteral("cannot add the certificate extension %1 = %2: %3")
                         .arg(QLatin1String(OBJ_nid2sn(nid)), QLatin1String(value), takeError());
        return false;
    }
    return true;
}

} // namespace lifeline::rpc::openssl
