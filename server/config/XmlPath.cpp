#include "XmlPath.h"

#include <QDomDocument>
#include <QDomText>

namespace lifeline::config::xml {

namespace {

struct Segment {
    QString tag;
    QString id; // empty: first element with the tag
};

Segment parseSegment(const QString& s) {
    const auto open = s.indexOf('[');
    if (open > 0 && s.endsWith(']'))
        return {s.left(open), s.mid(open + 1, s.size() - open - 2)};
    return {s, QString()};
}

QDomElement findSegment(const QDomElement& parent, const Segment& seg) {
    for (auto e = parent.firstChildElement(seg.tag); !e.isNull();
         e = e.nextSiblingElement(seg.tag)) {
        if (seg.id.isEmpty() || e.attribute(QStringLiteral("id")) == seg.id)
            return e;
    }
    return {};
}

} // namespace

QList<QDomElement> children(const QDomElement& parent, const QString& tag) {
    QList<QDomElement> out;
    for (auto e = parent.firstChildElement(tag); !e.isNull(); e = e.nextSiblingElement(tag))
        out << e;
    return out;
}

QDomElement child(const QDomElement& parent, const QString& path) {
    QDomElement current = parent;
    for (const auto& part : path.split('/', Qt::SkipEmptyParts)) {
        current = findSegment(current, parseSegment(part));
        if (current.isNull())
            return {};
    }
    return current;
}

QDomElement ensure(QDomElement parent, const QString& path) {
    QDomElement current = parent;
    for (const auto& part : path.split('/', Qt::SkipEmptyParts)) {
        const auto seg = parseSegment(part);
        auto next = findSegment(current, seg);
        if (next.isNull()) {
            next = current.ownerDocument().createElement(seg.tag);
            if (!seg.id.isEmpty())
                next.setAttribute(QStringLiteral("id"), seg.id);
            current.appendChild(next);
        }
        current = next;
    }
    return current;
}

void remove(QDomElement parent, const QString& path) {
    auto e = child(parent, path);
    if (e.isNull())
        return;
    auto up = e.parentNode();
    up.removeChild(e);
    // Drop containers left empty by the removal, up to `parent`.
    while (up != parent && up.isElement() && !up.hasChildNodes() &&
           up.toElement().attributes().isEmpty()) {
        auto next = up.parentNode();
        next.removeChild(up);
        up = next;
    }
}

QString text(const QDomElement& element) { return element.text(); }

void setText(QDomElement element, const QString& value) {
    while (element.hasChildNodes())
        element.removeChild(element.firstChild());
    if (!value.isEmpty())
        element.appendChild(element.ownerDocument().createTextNode(value));
}

static void flattenInto(const QDomElement& element, const QString& prefix,
                        QMap<QString, QString>& out) {
    for (auto e = element.firstChildElement(); !e.isNull(); e = e.nextSiblingElement()) {
        QString key = e.tagName();
        if (e.hasAttribute(QStringLiteral("id")))
            key += '[' + e.attribute(QStringLiteral("id")) + ']';
        const QString full = prefix.isEmpty() ? key : prefix + '/' + key;
        if (e.firstChildElement().isNull())
            out.insert(full, e.text());
        else
            flattenInto(e, full, out);
    }
}

QMap<QString, QString> flatten(const QDomElement& element) {
    QMap<QString, QString> out;
    if (!element.isNull())
        flattenInto(element, QString(), out);
    return out;
}

void syncFlattened(QDomElement element, const QMap<QString, QString>& before,
                   const QMap<QString, QString>& wanted) {
    for (auto it = before.begin(); it != before.end(); ++it)
        if (!wanted.contains(it.key()))
            remove(element, it.key());
    for (auto it = wanted.begin(); it != wanted.end(); ++it)
        if (before.value(it.key(), QString()) != it.value() || !before.contains(it.key()))
            setText(ensure(element, it.key()), it.value());
}

} // namespace lifeline::config::xml
