#include "ConfigDocument.h"

#include "Encoding.h"
#include "FileTree.h"

#include <QCryptographicHash>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QSaveFile>
#include <QXmlStreamReader>


namespace lifeline::config {

namespace {

bool isUtf8Name(const QString& charset) {
    const auto c = charset.toUpper().remove('-').remove('_');
    return c.isEmpty() || c == "UTF8";
}

// A streaming pass before the DOM is built: it reports syntax errors with their
// position and refuses absurd nesting, which would otherwise cost deep recursion.
bool prescan(const QByteArray& utf8, const QString& source, Diagnostics& diagnostics) {
    QXmlStreamReader reader(utf8);
    int depth = 0;
    while (!reader.atEnd()) {
        const auto token = reader.readNext();
        if (token == QXmlStreamReader::StartElement && ++depth > ConfigDocument::kMaxDepth) {
            diagnostics.add({Diagnostic::Severity::Error, source,
                             QStringLiteral("elements are nested deeper than %1 levels")
                                 .arg(ConfigDocument::kMaxDepth),
                             int(reader.lineNumber()), int(reader.columnNumber())});
            return false;
        }
        if (token == QXmlStreamReader::EndElement)
            --depth;
    }
    if (reader.hasError()) {
        diagnostics.add({Diagnostic::Severity::Error, source,
                         QStringLiteral("XML syntax error at line %1, column %2: %3")
                             .arg(reader.lineNumber())
                             .arg(reader.columnNumber())
                             .arg(reader.errorString()),
                         int(reader.lineNumber()), int(reader.columnNumber())});
        return false;
    }
    return true;
}

} // namespace

std::optional<ConfigDocument> ConfigDocument::parse(const QByteArray& bytes, const QString& source,
                                                    Diagnostics& diagnostics) {
    if (bytes.size() > kMaxBytes) {
        diagnostics.error(source, QStringLiteral("file is %1 bytes, more than the %2 bytes a "
                                                 "configuration may have")
                                      .arg(bytes.size())
                                      .arg(kMaxBytes));
        return std::nullopt;
    }
    if (bytes.trimmed().isEmpty()) {
        diagnostics.error(source, QStringLiteral("file is empty"));
        return std::nullopt;
    }
    ConfigDocument doc;
    doc.crlf_ = bytes.contains("\r\n");
    const QString declared = encoding::declaredEncoding(bytes);
    doc.charset_ = declared.isEmpty() ? QStringLiteral("UTF-8") : declared;

    QByteArray utf8 = bytes;
    if (!isUtf8Name(doc.charset_)) {
        if (!encoding::isAscii(bytes)) {
            QString why;
            auto converted = encoding::toUtf8(bytes, doc.charset_, &why);
            if (!converted) {
                diagnostics.error(source, QStringLiteral("cannot read the file as %1, the "
                                                         "encoding it declares: %2")
                                              .arg(doc.charset_, why));
                return std::nullopt;
            }
            utf8 = *converted;
        }
        // The parser only knows Unicode encodings; the bytes are UTF-8 now.
        utf8 = encoding::withDeclaredEncoding(utf8, QStringLiteral("UTF-8"));
    }

    if (!prescan(utf8, source, diagnostics))
        return std::nullopt;
    QString message;
    int line = 0;
    int column = 0;
    if (!doc.dom_.setContent(utf8, &message, &line, &column)) {
        diagnostics.add({Diagnostic::Severity::Error, source,
                         QStringLiteral("XML syntax error at line %1, column %2: %3")
                             .arg(line)
                             .arg(column)
                             .arg(message),
                         line, column});
        return std::nullopt;
    }
    if (doc.root().tagName() != QLatin1String("root")) {
        diagnostics.error(source, QStringLiteral("the top element is <%1>; a clp.conf has <root>")
                                      .arg(doc.root().tagName()));
        return std::nullopt;
    }
    return doc;
}

std::optional<ConfigDocument> ConfigDocument::load(const QString& path, Diagnostics& diagnostics) {
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        diagnostics.error(path, QStringLiteral("cannot open: %1").arg(file.errorString()));
        return std::nullopt;
    }
    if (file.size() > kMaxBytes) {
        diagnostics.error(path, QStringLiteral("file is %1 bytes, more than the %2 bytes a "
                                               "configuration may have")
                                    .arg(file.size())
                                    .arg(kMaxBytes));
        return std::nullopt;
    }
    return parse(file.readAll(), path, diagnostics);
}

ConfigDocument ConfigDocument::create(const QString& charset) {
    ConfigDocument doc;
    doc.charset_ = charset;
    doc.dom_.appendChild(doc.dom_.createProcessingInstruction(
        "xml", QStringLiteral("version=\"1.0\" encoding=\"%1\"").arg(charset)));
    doc.dom_.appendChild(doc.dom_.createElement("root"));
    return doc;
}

static void canonicalize(const QDomElement& e, QCryptographicHash& hash) {
    hash.addData(QByteArrayView("<"));
    hash.addData(e.tagName().toUtf8());
    QStringList attributes;
    const auto attrs = e.attributes();
    for (int i = 0; i < attrs.count(); ++i) {
        const auto a = attrs.item(i).toAttr();
        attributes << a.name() + QLatin1Char('=') + a.value();
    }
    attributes.sort();
    for (const auto& a : attributes) {
        hash.addData(QByteArrayView(" "));
        hash.addData(a.toUtf8());
    }
    hash.addData(QByteArrayView(">"));
    QString text;
    for (auto n = e.firstChild(); !n.isNull(); n = n.nextSibling())
        if (n.isText() || n.isCDATASection())
            text += n.nodeValue();
    hash.addData(text.trimmed().toUtf8());
    for (auto c = e.firstChildElement(); !c.isNull(); c = c.nextSiblingElement())
        canonicalize(c, hash);
    hash.addData(QByteArrayView("</>"));
}

QByteArray ConfigDocument::contentHash() const {
    QCryptographicHash hash(QCryptographicHash::Sha256);
    canonicalize(root(), hash);
    return hash.result();
}

std::optional<QByteArray> ConfigDocument::serialize(QString* error) const {
    QByteArray out = dom_.toByteArray(2);
    // QDom rewrites the declaration with single quotes; write it the way
    // ExpressCluster does, naming the file's own character set.
    if (out.startsWith("<?xml")) {
        const auto end = out.indexOf("?>");
        out.replace(0, end + 2,
                    QStringLiteral("<?xml version=\"1.0\" encoding=\"%1\"?>").arg(charset_).toLatin1());
    }
    if (!isUtf8Name(charset_)) {
        if (!encoding::isAscii(out)) {
            auto converted = encoding::fromUtf8(out, charset_, error);
            if (!converted)
                return std::nullopt;
            out = *converted;
        }
    }
    if (crlf_) {
        out.replace("\r\n", "\n");
        out.replace("\n", "\r\n");
    }
    return out;
}

bool ConfigDocument::save(const QString& path, QString* error) const {
    const auto bytes = serialize(error);
    if (!bytes)
        return false;
    if (QFileInfo::exists(path)) {
        QFile current(path);
        if (!current.open(QIODevice::ReadOnly)) {
            if (error)
                *error = QStringLiteral("%1: cannot read to keep a backup: %2")
                             .arg(path, current.errorString());
            return false;
        }
        if (!writeFileAtomically(path + QStringLiteral(".bak"), current.readAll(), error))
            return false;
    }
    return writeFileAtomically(path, *bytes, error);
}

bool writeFileAtomically(const QString& path, const QByteArray& bytes, QString* error) {
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly)) {
        if (error)
            *error = QStringLiteral("%1: cannot write: %2").arg(path, file.errorString());
        return false;
    }
    if (file.write(bytes) != bytes.size() || !file.commit()) { // commit() fsyncs, then renames
        if (error)
            *error = QStringLiteral("%1: cannot write: %2").arg(path, file.errorString());
        return false;
    }
    filetree::syncDirectory(QFileInfo(path).absolutePath()); // the rename itself durable
    return true;
}

} // namespace lifeline::config
