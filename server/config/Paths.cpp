#include "Paths.h"

#include <QDir>

namespace lifeline::config {

Paths::Paths(QString root) : root_(root.isEmpty() ? QStringLiteral("/") : QDir::cleanPath(root)) {}

Paths Paths::resolve(const QString& rootOption) {
    if (!rootOption.isEmpty())
        return Paths(rootOption);
    const QString env = qEnvironmentVariable("LIFELINE_ROOT");
    return Paths(env.isEmpty() ? QStringLiteral("/") : env);
}

QString Paths::under(const QString& relative) const {
    return root_ == QLatin1String("/") ? QLatin1Char('/') + relative : root_ + QLatin1Char('/') + relative;
}

} // namespace lifeline::config
