#include "LicenseKey.h"

#include "License.h"

#include <QCryptographicHash>
#include <QStringList>

namespace lifeline::licensing {

namespace {

constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
constexpr int kKeyBytes = LicenseKey::kHeaderSize + LicenseKey::kSignatureSize;
constexpr int kKeyChars = LicenseKey::kGroups * LicenseKey::kGroupSize;
static_assert(kKeyBytes * 8 == kKeyChars * 5, "the key fills its groups exactly");

QByteArray tag(const QString& label, const QString& value, int size) {
    return QCryptographicHash::hash((label + value).toUtf8(), QCryptographicHash::Sha256)
        .left(size);
}

} // namespace

QByteArray LicenseKey::serialTag(const QString& serial) {
    return tag(QStringLiteral("serial:"), serial, 3);
}

QByteArray LicenseKey::productTag(const QString& product) {
    return tag(QStringLiteral("product:"), product, 2);
}

QByteArray LicenseKey::headerFor(const QString& product, const QString& serial) {
    return QByteArray(1, char(kFormat)) + serialTag(serial) + productTag(product);
}

QByteArray LicenseKey::signedMessage(const QByteArray& header, const License& license) {
    return header + license.canonical();
}

QString LicenseKey::base32(const QByteArray& bytes) {
    QString out;
    quint32 buffer = 0;
    int bits = 0;
    for (const char c : bytes) {
        buffer = (buffer << 8) | quint8(c);
        bits += 8;
        while (bits >= 5) {
            out += QLatin1Char(kAlphabet[(buffer >> (bits - 5)) & 31]);
            bits -= 5;
        }
    }
    if (bits > 0)
        out += QLatin1Char(kAlphabet[(buffer << (5 - bits)) & 31]);
    return out;
}

std::optional<QByteArray> LicenseKey::fromBase32(const QString& text, int* badIndex) {
    QByteArray out;
    quint32 buffer = 0;
    int bits = 0;
    for (int i = 0; i < text.size(); ++i) {
        const QChar c = text.at(i);
        int value = -1;
        if (c >= u'A' && c <= u'Z')
            value = c.unicode() - u'A';
        else if (c >= u'2' && c <= u'7')
            value = 26 + c.unicode() - u'2';
        if (value < 0) {
            if (badIndex)
                *badIndex = i;
            return std::nullopt;
        }
        buffer = (buffer << 5) | quint32(value);
        bits += 5;
        if (bits >= 8) {
            out += char((buffer >> (bits - 8)) & 0xff);
            bits -= 8;
        }
    }
    return out;
}

std::optional<LicenseKey> LicenseKey::parse(const QString& typed, QString* error) {
    QString text;
    for (const QChar c : typed)
        if (!c.isSpace())
            text += c;
    if (text.isEmpty()) {
        *error = QStringLiteral("the license key is empty");
        return std::nullopt;
    }
    if (text.contains(u'-')) {
        const QStringList groups = text.split(u'-');
        for (int i = 0; i < groups.size(); ++i)
            if (groups[i].size() != kGroupSize) {
                *error = QStringLiteral("group %1 of the license key has %2 characters; every "
                                        "group has %3")
                             .arg(i + 1)
                             .arg(groups[i].size())
                             .arg(kGroupSize);
                return std::nullopt;
            }
        text.remove(u'-');
    }
    int bad = -1;
    const auto bytes = fromBase32(text, &bad);
    if (!bytes) {
        const QChar c = text.at(bad);
        *error = QStringLiteral("the license key has the character '%1' (group %2); keys use A-Z "
                                "and 2-7 and are case sensitive")
                     .arg(c)
                     .arg(bad / kGroupSize + 1);
        return std::nullopt;
    }
    if (text.size() != kKeyChars) {
        *error = QStringLiteral("the license key has %1 characters without the dashes; it needs "
                                "%2 (%3 groups of %4)")
                     .arg(text.size())
                     .arg(kKeyChars)
                     .arg(kGroups)
                     .arg(kGroupSize);
        return std::nullopt;
    }
    if (quint8(bytes->at(0)) != kFormat) {
        *error = QStringLiteral("the license key is of an unknown format (%1); this Lifeline "
                                "reads format %2")
                     .arg(quint8(bytes->at(0)))
                     .arg(kFormat);
        return std::nullopt;
    }
    return LicenseKey{bytes->left(kHeaderSize), bytes->mid(kHeaderSize)};
}

QString LicenseKey::text() const {
    const QString plain = base32(header + signature);
    QStringList groups;
    for (int i = 0; i < plain.size(); i += kGroupSize)
        groups << plain.mid(i, kGroupSize);
    return groups.join(u'-');
}

QString LicenseKey::pattern() {
    return QStringLiteral("[XXXXXXXX-XXXXXXXX-...-XXXXXXXX (%1 groups of %2)]")
        .arg(kGroups)
        .arg(kGroupSize);
}

} // namespace lifeline::licensing
