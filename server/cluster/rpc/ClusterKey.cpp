#include "ClusterKey.h"

#include "OpenSsl.h"

#include <QCryptographicHash>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QLoggingCategory>
#include <cerrno>
#include <fcntl.h>
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <sys/stat.h>
#include <unistd.h>

namespace lifeline::rpc {

using openssl::Ptr;

namespace {

const QString kCaNamePrefix = QStringLiteral("Lifeline cluster ");
const QString kCaNameSuffix = QStringLiteral(" CA");
// Fixed HKDF salt: separates Lifeline's derivations from any other use of the same secret.
constexpr char kHkdfSalt[] = "lifeline cluster key v1";
constexpr char kFingerprintPurpose[] = "lifeline key fingerprint";
// Nodes' clocks may disagree a little; a certificate must not be "not yet valid" on a peer.
constexpr long kBackdateSeconds = 24 * 3600;

QString errnoText() {
    return qt_error_string(errno);
}

// Writes `bytes` so that no other user can ever read them and a crash leaves either the old or
// the new file. mkstemp creates the temporary file 0600 whatever the umask; QSaveFile would give
// a new file 0666 & ~umask and a reader could open it before a chmod.
bool writePrivateFileAtomically(const QString& path, const QByteArray& bytes, QString* error) {
    const QFileInfo info(path);
    const QByteArray target = QFile::encodeName(info.absoluteFilePath());
    QByteArray temp = target + ".tmp-XXXXXX";
    auto fail = [&](const QString& what) {
        if (error)
            *error = QStringLiteral("%1: cannot write the cluster key: %2 (%3)")
                         .arg(path, what, errnoText());
        return false;
    };
    const int fd = ::mkostemp(temp.data(), O_CLOEXEC);
    if (fd < 0)
        return fail(QStringLiteral("cannot create a temporary file"));
    auto abandon = [&](const QString& what) {
        const int saved = errno;
        ::close(fd);
        ::unlink(temp.constData());
        errno = saved;
        return fail(what);
    };
    if (::fchmod(fd, 0600) != 0)
        return abandon(QStringLiteral("chmod"));
    for (qsizetype done = 0; done < bytes.size();) {
        const ssize_t n = ::write(fd, bytes.constData() + done, size_t(bytes.size() - done));
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return abandon(QStringLiteral("write"));
        done += n;
    }
    if (::fsync(fd) != 0)
        return abandon(QStringLiteral("fsync"));
    if (::close(fd) != 0) {
        const int saved = errno;
        ::unlink(temp.constData());
        errno = saved;
        return fail(QStringLiteral("close"));
    }
    if (::rename(temp.constData(), target.constData()) != 0) {
        const int saved = errno;
        ::unlink(temp.constData());
        errno = saved;
        return fail(QStringLiteral("rename"));
    }
    // Make the rename itself durable.
    const int dir = ::open(QFile::encodeName(info.absolutePath()).constData(),
                           O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dir >= 0) {
        ::fsync(dir);
        ::close(dir);
    }
    return true;
}

// One PEM block as PEM_read_bio returns it; the payload is wiped when released.
struct PemBlock {
    char* name = nullptr;
    char* header = nullptr;
    unsigned char* data = nullptr;
    long size = 0;
    ~PemBlock() {
        OPENSSL_free(name);
        OPENSSL_free(header);
        OPENSSL_clear_free(data, size_t(size));
    }
};

} // namespace

struct ClusterKey::Data {
    QByteArray secret;
    Ptr<X509> ca;
    Ptr<EVP_PKEY> caKey;
    QByteArray caDer;
    QString clusterName;

    ~Data() { OPENSSL_cleanse(secret.data(), size_t(secret.size())); }
};

ClusterKey::ClusterKey() = default;

ClusterKey::ClusterKey(std::shared_ptr<const Data> d) : d_(std::move(d)) {}

X509* ClusterKey::caX509() const {
    return d_ ? d_->ca.get() : nullptr;
}

EVP_PKEY* ClusterKey::caPrivateKey() const {
    return d_ ? d_->caKey.get() : nullptr;
}

ClusterKey ClusterKey::generate(const QString& clusterName) {
    if (clusterName.isEmpty()) {
        qWarning("ClusterKey::generate: the cluster name is empty");
        return {};
    }
    auto d = std::make_shared<Data>();
    d->clusterName = clusterName;
    d->secret = QByteArray(kSecretBytes, Qt::Uninitialized);
    QString error;
    if (RAND_bytes(reinterpret_cast<unsigned char*>(d->secret.data()), kSecretBytes) != 1) {
        qWarning("ClusterKey::generate: RAND_bytes failed: %s", qPrintable(openssl::takeError()));
        return {};
    }
    d->caKey = openssl::generateP256Key(&error);
    d->ca.reset(X509_new());
    X509* ca = d->ca.get();
    const bool built =
        d->caKey && ca &&
        openssl::fillCertificate(
            ca, nullptr, d->caKey.get(), kCaNamePrefix + clusterName + kCaNameSuffix,
            kCaNamePrefix + clusterName, -kBackdateSeconds, kCaValidityDays, &error) &&
        // Issues node certificates only, never intermediate CAs.
        openssl::addExtension(ca, nullptr, NID_basic_constraints, "critical,CA:TRUE,pathlen:0",
                              &error) &&
        openssl::addExtension(ca, nullptr, NID_key_usage, "critical,keyCertSign,cRLSign", &error) &&
        openssl::addExtension(ca, nullptr, NID_subject_key_identifier, "hash", &error) &&
        openssl::addExtension(ca, nullptr, NID_authority_key_identifier, "keyid:always", &error);
    if (!built || X509_sign(ca, d->caKey.get(), EVP_sha256()) <= 0) {
        if (error.isEmpty())
            error = openssl::takeError();
        qWarning("ClusterKey::generate: cannot create the cluster CA: %s", qPrintable(error));
        return {};
    }
    d->caDer = openssl::certificateDer(ca);
    return ClusterKey(std::move(d));
}

ClusterKey ClusterKey::load(const QString& path, QString* error) {
    auto fail = [&](const QString& problem) {
        if (error)
            *error = path + QStringLiteral(": ") + problem;
        return ClusterKey();
    };
    const int fd = ::open(QFile::encodeName(path).constData(), O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return fail(QStringLiteral("cannot read the cluster key: ") + errnoText());
    QFile file;
    if (!file.open(fd, QIODevice::ReadOnly, QFileDevice::AutoCloseHandle)) {
        ::close(fd);
        return fail(QStringLiteral("cannot read the cluster key: ") + file.errorString());
    }
    // Checked on the open descriptor, so the file cannot be swapped between check and read.
    struct stat st {};
    if (::fstat(fd, &st) != 0)
        return fail(QStringLiteral("cannot read the cluster key: ") + errnoText());
    if (!S_ISREG(st.st_mode))
        return fail(QStringLiteral("the cluster key is not a regular file"));
    if ((st.st_mode & 077) != 0)
        return fail(QStringLiteral("permissions %1 are too open: the cluster key must be "
                                   "accessible by its owner only (chmod 600 %2)")
                        .arg(QString::asprintf("%04o", unsigned(st.st_mode & 07777)), path));
    if (st.st_size > kMaxFileBytes)
        return fail(QStringLiteral("%1 bytes is too large for a cluster key").arg(st.st_size));
    const QByteArray pem = file.read(kMaxFileBytes + 1);
    if (pem.size() > kMaxFileBytes)
        return fail(QStringLiteral("the file is too large for a cluster key"));
    return fromPem(pem, path, error);
}

ClusterKey ClusterKey::fromPem(const QByteArray& pem, const QString& source, QString* error) {
    auto fail = [&](const QString& problem) {
        if (error)
            *error = source + QStringLiteral(": ") + problem;
        ERR_clear_error();
        return ClusterKey();
    };
    const QString secretLabel = QLatin1String(kSecretPemLabel);
    ERR_clear_error();
    Ptr<BIO> bio(BIO_new_mem_buf(pem.constData(), int(pem.size())));
    if (!bio)
        return fail(openssl::takeError());

    auto d = std::make_shared<Data>();
    for (int index = 1;; ++index) {
        PemBlock block;
        if (PEM_read_bio(bio.get(), &block.name, &block.header, &block.data, &block.size) != 1) {
            const unsigned long code = ERR_peek_last_error();
            if (ERR_GET_LIB(code) == ERR_LIB_PEM && ERR_GET_REASON(code) == PEM_R_NO_START_LINE)
                break; // no further "-----BEGIN" line: the end of the file
            return fail(QStringLiteral("PEM block %1 is malformed: %2")
                            .arg(index)
                            .arg(openssl::takeError()));
        }
        const QString name = QString::fromLatin1(block.name);
        if (block.header && *block.header)
            return fail(QStringLiteral("PEM block \"%1\" has headers (encrypted?); a cluster key "
                                       "file holds plain blocks only")
                            .arg(name));
        const unsigned char* p = block.data;
        if (name == secretLabel) {
            if (!d->secret.isEmpty())
                return fail(QStringLiteral("more than one %1 block").arg(name));
            if (block.size != kSecretBytes)
                return fail(QStringLiteral("the cluster secret is %1 bytes; it must be %2")
                                .arg(block.size)
                                .arg(kSecretBytes));
            d->secret = QByteArray(reinterpret_cast<const char*>(p), kSecretBytes);
        } else if (name == QLatin1String("CERTIFICATE")) {
            if (d->ca)
                return fail(QStringLiteral("more than one CERTIFICATE block"));
            d->ca.reset(d2i_X509(nullptr, &p, block.size));
            if (!d->ca || p != block.data + block.size)
                return fail(QStringLiteral("the CA certificate cannot be read: ") +
                            openssl::takeError("trailing bytes"));
        } else if (name == QLatin1String("PRIVATE KEY")) {
            if (d->caKey)
                return fail(QStringLiteral("more than one PRIVATE KEY block"));
            d->caKey.reset(d2i_AutoPrivateKey(nullptr, &p, block.size));
            if (!d->caKey || p != block.data + block.size)
                return fail(QStringLiteral("the CA private key cannot be read: ") +
                            openssl::takeError("trailing bytes"));
        } else {
            return fail(QStringLiteral("unexpected PEM block \"%1\"; a cluster key file holds "
                                       "%2, CERTIFICATE and PRIVATE KEY")
                            .arg(name, secretLabel));
        }
    }
    if (d->secret.isEmpty())
        return fail(QStringLiteral("no %1 block (is this a cluster key file?)").arg(secretLabel));
    if (!d->ca)
        return fail(QStringLiteral("no CERTIFICATE block (the cluster CA)"));
    if (!d->caKey)
        return fail(QStringLiteral("no PRIVATE KEY block (the cluster CA's key)"));

    // Everything below is what generate() makes; anything else was not written by Lifeline.
    char group[64] = {};
    if (!EVP_PKEY_is_a(d->caKey.get(), "EC") ||
        EVP_PKEY_get_group_name(d->caKey.get(), group, sizeof group, nullptr) != 1 ||
        qstrcmp(group, "prime256v1") != 0)
        return fail(QStringLiteral("the CA private key is not an ECDSA P-256 key"));
    if (X509_check_private_key(d->ca.get(), d->caKey.get()) != 1)
        return fail(QStringLiteral("the private key does not belong to the CA certificate"));
    if (X509_check_issued(d->ca.get(), d->ca.get()) != X509_V_OK ||
        X509_verify(d->ca.get(), d->caKey.get()) != 1)
        return fail(QStringLiteral("the CA certificate is not self-signed"));
    if (X509_check_ca(d->ca.get()) < 1)
        return fail(QStringLiteral("the CA certificate may not issue certificates"));
    if (X509_cmp_current_time(X509_get0_notAfter(d->ca.get())) <= 0)
        return fail(QStringLiteral("the cluster CA has expired"));
    const QString cn = openssl::subjectCommonName(d->ca.get());
    if (!cn.startsWith(kCaNamePrefix) || !cn.endsWith(kCaNameSuffix) ||
        cn.size() <= kCaNamePrefix.size() + kCaNameSuffix.size())
        return fail(QStringLiteral("the CA certificate is named \"%1\", not \"%2<cluster>%3\"")
                        .arg(cn, kCaNamePrefix, kCaNameSuffix));
    d->clusterName =
        cn.mid(kCaNamePrefix.size(), cn.size() - kCaNamePrefix.size() - kCaNameSuffix.size());
    d->caDer = openssl::certificateDer(d->ca.get());
    ERR_clear_error();
    return ClusterKey(std::move(d));
}

QByteArray ClusterKey::toPem() const {
    if (!d_)
        return {};
    QString name = d_->clusterName;
    name.replace(QLatin1Char('\n'), QLatin1Char(' ')).replace(QLatin1Char('\r'), QLatin1Char(' '));
    QByteArray pem;
    pem += "# Lifeline cluster key of cluster \"" + name.toUtf8() + "\", fingerprint " +
           fingerprint() + ".\n";
    pem += "# Whoever has this file is a member of the cluster: keep it mode 0600, root only.\n";
    Ptr<BIO> bio(BIO_new(BIO_s_secmem())); // wiped when freed
    if (!bio || PEM_write_bio(bio.get(), kSecretPemLabel, "",
                              reinterpret_cast<const unsigned char*>(d_->secret.constData()),
                              long(d_->secret.size())) <= 0)
        return {};
    char* data = nullptr;
    const long size = BIO_get_mem_data(bio.get(), &data);
    pem += QByteArray(data, size);
    pem += openssl::certificatePem(d_->ca.get());
    pem += openssl::privateKeyPem(d_->caKey.get());
    return pem;
}

bool ClusterKey::save(const QString& path, QString* error) const {
    if (!d_) {
        if (error)
            *error = path + QStringLiteral(": there is no cluster key to write");
        return false;
    }
    return writePrivateFileAtomically(path, toPem(), error);
}

QString ClusterKey::pathBeside(const QString& clpConfPath) {
    const QFileInfo info(clpConfPath);
    const QString dir = info.isDir() ? info.absoluteFilePath() : info.absolutePath();
    return QDir(dir).filePath(QLatin1String(kFileName));
}

QString ClusterKey::clusterName() const {
    return d_ ? d_->clusterName : QString();
}

QSslCertificate ClusterKey::caCertificate() const {
    return d_ ? QSslCertificate(d_->caDer, QSsl::Der) : QSslCertificate();
}

QByteArray ClusterKey::deriveKey(const QByteArray& purpose) const {
    if (!d_)
        return {};
    Ptr<EVP_KDF> kdf(EVP_KDF_fetch(nullptr, OSSL_KDF_NAME_HKDF, nullptr));
    Ptr<EVP_KDF_CTX> ctx(kdf ? EVP_KDF_CTX_new(kdf.get()) : nullptr);
    char digest[] = "SHA256";
    OSSL_PARAM params[] = {
        OSSL_PARAM_construct_utf8_string(OSSL_KDF_PARAM_DIGEST, digest, 0),
        OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_KEY,
                                          const_cast<char*>(d_->secret.constData()),
                                          size_t(d_->secret.size())),
        OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_SALT, const_cast<char*>(kHkdfSalt),
                                          sizeof kHkdfSalt - 1),
        OSSL_PARAM_construct_octet_string(
            OSSL_KDF_PARAM_INFO, const_cast<char*>(purpose.constData()), size_t(purpose.size())),
        OSSL_PARAM_construct_end(),
    };
    QByteArray key(kDerivedKeyBytes, Qt::Uninitialized);
    if (!ctx || EVP_KDF_derive(ctx.get(), reinterpret_cast<unsigned char*>(key.data()),
                               size_t(key.size()), params) != 1) {
        qWarning("ClusterKey::deriveKey: HKDF failed: %s", qPrintable(openssl::takeError()));
        return {};
    }
    return key;
}

QByteArray ClusterKey::fingerprint() const {
    if (!d_)
        return {};
    // A one-way function of the secret and the CA: equal iff the key files are equal.
    QCryptographicHash hash(QCryptographicHash::Sha256);
    hash.addData(deriveKey(kFingerprintPurpose));
    hash.addData(d_->caDer);
    return hash.result().toHex();
}

bool operator==(const ClusterKey& a, const ClusterKey& b) {
    if (!a.d_ || !b.d_)
        return !a.d_ && !b.d_;
    return a.d_->secret.size() == b.d_->secret.size() &&
           CRYPTO_memcmp(a.d_->secret.constData(), b.d_->secret.constData(),
                         size_t(a.d_->secret.size())) == 0 &&
           a.d_->caDer == b.d_->caDer;
}

} // namespace lifeline::rpc
