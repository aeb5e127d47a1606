#include "Encoding.h"

#include <QRegularExpression>

#include <cerrno>
#include <cstring>
#include <iconv.h>

namespace lifeline::config::encoding {

namespace {

std::optional<QByteArray> convert(const QByteArray& in, const QString& from, const QString& to,
                                  QString* error) {
    iconv_t cd = iconv_open(to.toLatin1().constData(), from.toLatin1().constData());
    if (cd == reinterpret_cast<iconv_t>(-1)) {
        if (error)
            *error = QStringLiteral("character set \"%1\" is not supported").arg(from == "UTF-8" ? to : from);
        return std::nullopt;
    }
    QByteArray out;
    out.resize(in.size() * 4 + 16);
    char* inPtr = const_cast<char*>(in.constData());
    size_t inLeft = size_t(in.size());
    char* outPtr = out.data();
    size_t outLeft = size_t(out.size());
    bool ok = true;
    while (inLeft > 0) {
        if (iconv(cd, &inPtr, &inLeft, &outPtr, &outLeft) == size_t(-1)) {
            if (errno == E2BIG) {
                const auto used = outPtr - out.data();
                out.resize(out.size() * 2);
                outPtr = out.data() + used;
                outLeft = size_t(out.size() - used);
                continue;
            }
            if (error)
                *error = QStringLiteral("byte %1 is not valid %2 (%3)")
                             .arg(qsizetype(inPtr - in.constData()))
                             .arg(from, QString::fromLocal8Bit(std::strerror(errno)));
            ok = false;
            break;
        }
    }
    iconv_close(cd);
    if (!ok)
        return std::nullopt;
    out.resize(outPtr - out.data());
    return out;
}

} // namespace

std::optional<QByteArray> toUtf8(const QByteArray& bytes, const QString& charset, QString* error) {
    return convert(bytes, charset, QStringLiteral("UTF-8"), error);
}

std::optional<QByteArray> fromUtf8(const QByteArray& bytes, const QString& charset,
                                   QString* error) {
    return convert(bytes, QStringLiteral("UTF-8"), charset, error);
}

bool isAscii(const QByteArray& bytes) {
    for (char c : bytes)
        if (static_cast<unsigned char>(c) >= 0x80)
            return false;
    return true;
}

static const QRegularExpression& declarationPattern() {
    static const QRegularExpression re(
        QStringLiteral(R"(^\s*<\?xml[^>]*?encoding\s*=\s*["']([A-Za-z0-9._\-]+)["'])"));
    return re;
}

QString declaredEncoding(const QByteArray& bytes) {
    const auto head = QString::fromLatin1(bytes.left(256));
    const auto m = declarationPattern().match(head);
    return m.hasMatch() ? m.captured(1) : QString();
}

QByteArray withDeclaredEncoding(const QByteArray& bytes, const QString& charset) {
    const auto head = QString::fromLatin1(bytes.left(256));
    const auto m = declarationPattern().match(head);
    if (!m.hasMatch())
        return bytes;
    QByteArray out = bytes;
    out.replace(m.capturedStart(1), m.capturedLength(1), charset.toLatin1());
    return out;
}

} // namespace lifeline::config::encoding
