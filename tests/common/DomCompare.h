#pragma once

// Semantic comparison of XML trees for round-trip tests: element names,
// attributes and non-blank text must match, in order; indentation does not count.

#include <QDomDocument>
#include <QDomElement>
#include <QStringList>

namespace testutil {

inline QString canonical(const QDomElement& e, int depth = 0) {
    QString out = QString(depth * 2, ' ') + '<' + e.tagName();
    auto attrs = e.attributes();
    QStringList pairs;
    for (int i = 0; i < attrs.count(); ++i) {
        const auto a = attrs.item(i).toAttr();
        pairs << a.name() + "=\"" + a.value() + '"';
    }
    pairs.sort();
    if (!pairs.isEmpty())
        out += ' ' + pairs.join(' ');
    out += ">";
    QString text;
    for (auto n = e.firstChild(); !n.isNull(); n = n.nextSibling())
        if (n.isText() || n.isCDATASection())
            text += n.nodeValue();
    if (!text.trimmed().isEmpty())
        out += " text=\"" + text.trimmed() + '"';
    out += '\n';
    for (auto c = e.firstChildElement(); !c.isNull(); c = c.nextSiblingElement())
        out += canonical(c, depth + 1);
    return out;
}

inline QString canonical(const QDomDocument& doc) { return canonical(doc.documentElement()); }

} // namespace testutil
