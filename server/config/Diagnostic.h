#pragma once

#include <QJsonObject>
#include <QList>
#include <QSet>
#include <QString>

namespace lifeline::config {

// One finding about a configuration: where it is (a readable path such as
// `group "failover1" / resource "disk1"`), what is wrong, and how bad it is.
struct Diagnostic {
    enum class Severity { Error, Warning };

    Severity severity = Severity::Error;
    QString path;    // readable location; empty for file-level problems
    QString message; // names the value and the rule
    int line = 0;    // source position when known (XML syntax errors, elements)
    int column = 0;

    bool isError() const { return severity == Severity::Error; }
    QString text() const;  // "error: <path>: <message>" as printed by clpcfchk
    QJsonObject toJson() const;
};

class Diagnostics {
public:
    void error(const QString& path, const QString& message, int line = 0);
    void warning(const QString& path, const QString& message, int line = 0);
    void add(const Diagnostic& d);

    bool hasErrors() const;
    qsizetype errorCount() const;
    qsizetype warningCount() const;
    const QList<Diagnostic>& items() const { return items_; }
    QStringList texts() const;
    // True when some diagnostic's text contains `fragment` (tests and tools).
    bool mentions(const QString& fragment) const;
    // True when an error was reported at exactly `path` (constant time, so that
    // checks on huge files stay linear).
    bool hasErrorAt(const QString& path) const { return errorPaths_.contains(path); }

private:
    QList<Diagnostic> items_;
    QSet<QString> errorPaths_;
};

} // namespace lifeline::config
