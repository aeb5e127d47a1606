#include "FieldIo.h"

namespace lifeline::config::fieldio {

QString kindNoun(schema::FieldKind kind) {
    switch (kind) {
    case schema::FieldKind::Integer: return QStringLiteral("a whole number");
    case schema::FieldKind::Flag: return QStringLiteral("0 or 1");
    case schema::FieldKind::Seconds:
        return QStringLiteral("a number of seconds (up to 3 decimals)");
    case schema::FieldKind::Milliseconds: return QStringLiteral("a number of milliseconds");
    case schema::FieldKind::Text: return QStringLiteral("text");
    }
    return {};
}

QString checkValue(schema::FieldKind kind, const QString& raw, qint64 min, qint64 max,
                   const char* allowed) {
    const QString t = raw.trimmed();
    if (kind == schema::FieldKind::Text) {
        if (!allowed || t.isEmpty())
            return {};
        const auto choices = QString::fromLatin1(allowed).split('|');
        if (choices.contains(t))
            return {};
        return QStringLiteral("\"%1\" is not one of %2").arg(t, choices.join(QStringLiteral(", ")));
    }
    const auto v = schema::parseValue(kind, t);
    if (!v)
        return QStringLiteral("\"%1\" is not %2").arg(t, kindNoun(kind));
    if (kind != schema::FieldKind::Flag && (*v < min || *v > max))
        return QStringLiteral("%1 is out of range (%2)")
            .arg(t + (kind == schema::FieldKind::Seconds ? QStringLiteral(" s")
                      : kind == schema::FieldKind::Milliseconds ? QStringLiteral(" ms")
                                                                : QString()),
                 schema::formatRange(kind, min, max));
    return {};
}

} // namespace lifeline::config::fieldio
