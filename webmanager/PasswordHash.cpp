#include "PasswordHash.h"

#include <QStringList>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

namespace lifeline::webmgr {

namespace {

constexpr int kSaltBytes = 16;
constexpr int kHashBytes = 32;
const QString kScheme = QStringLiteral("pbkdf2-sha256");

QByteArray derive(const QByteArray& password, const QByteArray& salt, int iterations) {
    QByteArray out(kHashBytes, '\0');
    if (PKCS5_PBKDF2_HMAC(password.constData(), int(password.size()),
                          reinterpret_cast<const unsigned char*>(salt.constData()),
                          int(salt.size()), iterations, EVP_sha256(), int(out.size()),
                          reinterpret_cast<unsigned char*>(out.data())) != 1)
        return {};
    return out;
}

struct Parsed {
    int iterations = 0;
    QByteArray salt;
    QByteArray hash;
    QString error;
};

Parsed parse(const QString& stored) {
    Parsed p;
    const QStringList parts = stored.trimmed().split(QLatin1Char('$'));
    if (parts.size() != 4 || parts[0] != kScheme) {
        p.error = QStringLiteral("not a \"%1$iterations$salt$hash\" password hash").arg(kScheme);
        return p;
    }
    bool ok = false;
    p.iterations = parts[1].toInt(&ok);
    if (!ok || p.iterations < PasswordHash::kMinIterations ||
        p.iterations > PasswordHash::kMaxIterations) {
        p.error = QStringLiteral("iteration count \"%1\" is not between %2 and %3")
                      .arg(parts[1])
                      .arg(PasswordHash::kMinIterations)
                      .arg(PasswordHash::kMaxIterations);
        return p;
    }
    const auto salt = QByteArray::fromBase64Encoding(parts[2].toLatin1(),
                                                     QByteArray::AbortOnBase64DecodingErrors);
    const auto hash = QByteArray::fromBase64Encoding(parts[3].toLatin1(),
                                                     QByteArray::AbortOnBase64DecodingErrors);
    if (!salt || salt.decoded.size() < 8) {
        p.error = QStringLiteral("the salt is not base64 of at least 8 bytes");
        return p;
    }
    if (!hash || hash.decoded.size() != kHashBytes) {
        p.error = QStringLiteral("the hash is not base64 of %1 bytes").arg(kHashBytes);
        return p;
    }
    p.salt = salt.decoded;
    p.hash = hash.decoded;
    return p;
}

} // namespace

QString PasswordHash::make(const QByteArray& password, int iterations) {
    QByteArray salt(kSaltBytes, '\0');
    if (RAND_bytes(reinterpret_cast<unsigned char*>(salt.data()), int(salt.size())) != 1)
        return {};
    const QByteArray hash = derive(password, salt, iterations);
    if (hash.isEmpty())
        return {};
    return QStringLiteral("%1$%2$%3$%4")
        .arg(kScheme)
        .arg(iterations)
        .arg(QString::fromLatin1(salt.toBase64()), QString::fromLatin1(hash.toBase64()));
}

QString PasswordHash::checkFormat(const QString& stored) { return parse(stored).error; }

bool PasswordHash::verify(const QByteArray& password, const QString& stored, QString* why) {
    const Parsed p = parse(stored);
    if (!p.error.isEmpty()) {
        if (why)
            *why = p.error;
        return false;
    }
    const QByteArray got = derive(password, p.salt, p.iterations);
    return got.size() == p.hash.size() &&
           CRYPTO_memcmp(got.constData(), p.hash.constData(), size_t(got.size())) == 0;
}

} // namespace lifeline::webmgr
