#pragma once

#include "Diagnostic.h"
#include "Schema.h"
#include "XmlPath.h"

// Reading and writing the scalar fields of one object through its field table.
namespace lifeline::config::fieldio {

QString kindNoun(schema::FieldKind kind);

// Checks one raw value against a kind, range and choice list; returns the
// problem ("is not a whole number", ...) or an empty string.
QString checkValue(schema::FieldKind kind, const QString& raw, qint64 min, qint64 max,
                   const char* allowed);

template <class Obj>
void read(Obj& obj, const QDomElement& element, const QList<schema::Field<Obj>>& fields,
          const QString& objectPath, Diagnostics& diagnostics) {
    for (const auto& f : fields) {
        const auto e = xml::child(element, QString::fromLatin1(f.path));
        if (e.isNull())
            continue;
        const QString raw = e.text();
        const QString problem = checkValue(f.kind, raw, f.min, f.max, f.allowed);
        if (!problem.isEmpty()) {
            diagnostics.error(objectPath.isEmpty() ? QString::fromLatin1(f.path)
                                                   : objectPath + " / " + f.path,
                              problem, e.lineNumber());
            continue; // keep the default
        }
        if (auto p = std::get_if<QString Obj::*>(&f.member))
            obj.*(*p) = raw.trimmed();
        else if (auto p = std::get_if<int Obj::*>(&f.member))
            obj.*(*p) = int(*schema::parseValue(f.kind, raw));
        else if (auto p = std::get_if<bool Obj::*>(&f.member))
            obj.*(*p) = *schema::parseValue(f.kind, raw) != 0;
    }
}

// Writes the fields of `now` that differ from `before` (what the document held),
// so values Lifeline could not parse, and defaults left implicit, stay as they were.
template <class Obj>
void write(const Obj& now, const Obj& before, QDomElement element,
           const QList<schema::Field<Obj>>& fields) {
    for (const auto& f : fields) {
        QString value;
        bool differs = false;
        if (auto p = std::get_if<QString Obj::*>(&f.member)) {
            differs = now.*(*p) != before.*(*p);
            value = now.*(*p);
        } else if (auto p = std::get_if<int Obj::*>(&f.member)) {
            differs = now.*(*p) != before.*(*p);
            value = schema::formatValue(f.kind, now.*(*p));
        } else if (auto p = std::get_if<bool Obj::*>(&f.member)) {
            differs = now.*(*p) != before.*(*p);
            value = (now.*(*p)) ? QStringLiteral("1") : QStringLiteral("0");
        }
        if (differs)
            xml::setText(xml::ensure(element, QString::fromLatin1(f.path)), value);
    }
}

} // namespace lifeline::config::fieldio
