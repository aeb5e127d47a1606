#pragma once

#include <QString>

namespace lifeline::config {

// Where Lifeline keeps its files, below a root prefix ("/" in production; a
// per-node directory when several nodes run on one machine). Every program takes
// --root DIR, or the LIFELINE_ROOT environment variable.
class Paths {
public:
    explicit Paths(QString root = QStringLiteral("/"));

    // --root wins over LIFELINE_ROOT, which wins over "/".
    static Paths resolve(const QString& rootOption);

    QString root() const { return root_; }
    QString configDir() const { return under(QStringLiteral("etc/lifeline")); }
    QString configFile() const { return configDir() + QStringLiteral("/clp.conf"); }
    QString keyFile() const { return configDir() + QStringLiteral("/clp.key"); }
    QString scriptsDir() const { return configDir() + QStringLiteral("/scripts"); }
    QString stateDir() const { return under(QStringLiteral("var/lib/lifeline")); }
    QString logDir() const { return under(QStringLiteral("var/log/lifeline")); }
    QString runDir() const { return under(QStringLiteral("run/lifeline")); }
    QString controlSocket() const { return runDir() + QStringLiteral("/control.sock"); }

private:
    QString under(const QString& relative) const;
    QString root_;
};

} // namespace lifeline::config
