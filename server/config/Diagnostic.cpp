#include "Diagnostic.h"

#include <algorithm>

namespace lifeline::config {

QString Diagnostic::text() const {
    QString out = isError() ? QStringLiteral("error: ") : QStringLiteral("warning: ");
    if (!path.isEmpty())
        out += path + QStringLiteral(": ");
    out += message;
    if (line > 0)
        out += QStringLiteral(" (line %1)").arg(line);
    return out;
}

QJsonObject Diagnostic::toJson() const {
    QJsonObject o{{"severity", isError() ? "error" : "warning"},
                  {"path", path},
                  {"message", message}};
    if (line > 0)
        o.insert("line", line);
    if (column > 0)
        o.insert("column", column);
    return o;
}

void Diagnostics::add(const Diagnostic& d) {
    items_.append(d);
    if (d.isError())
        errorPaths_.insert(d.path);
}

void Diagnostics::error(const QString& path, const QString& message, int line) {
    add({Diagnostic::Severity::Error, path, message, line, 0});
}

void Diagnostics::warning(const QString& path, const QString& message, int line) {
    add({Diagnostic::Severity::Warning, path, message, line, 0});
}

bool Diagnostics::hasErrors() const { return errorCount() > 0; }

qsizetype Diagnostics::errorCount() const {
    return std::count_if(items_.begin(), items_.end(), [](auto& d) { return d.isError(); });
}

qsizetype Diagnostics::warningCount() const { return items_.size() - errorCount(); }

QStringList Diagnostics::texts() const {
    QStringList out;
    for (const auto& d : items_)
        out << d.text();
    return out;
}

bool Diagnostics::mentions(const QString& fragment) const {
    return std::any_of(items_.begin(), items_.end(),
                       [&](auto& d) { return d.text().contains(fragment); });
}

} // namespace lifeline::config
