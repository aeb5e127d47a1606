#include "ScriptSet.h"

#include "ObjectPaths.h"

#include <QDir>
#include <QFileInfo>

namespace lifeline::config {

QList<RequiredScript> requiredScripts(const ClusterConfig& config) {
    QList<RequiredScript> out;
    for (const auto& r : config.resources) {
        if (r.type != QLatin1String("exec"))
            continue;
        const auto* group = config.groupOf(r.name);
        if (!group)
            continue;
        for (const auto& key : {QStringLiteral("act/path"), QStringLiteral("deact/path")}) {
            const auto script = r.param(key);
            if (script.isEmpty() || script.startsWith('/'))
                continue;
            out << RequiredScript{QStringLiteral("scripts/%1/%2/%3").arg(group->name, r.name, script),
                                  paths::resource(config, r.name)};
        }
    }
    for (const auto& m : config.monitors) {
        QStringList scripts;
        if (m.type == QLatin1String("genw"))
            scripts << m.param(QStringLiteral("path"));
        if (m.preActionUse)
            scripts << m.preActionScript;
        for (const auto& script : scripts)
            if (!script.isEmpty() && !script.startsWith('/'))
                out << RequiredScript{
                    QStringLiteral("scripts/monitor.s/%1/%2").arg(m.name, script),
                    paths::monitor(m.name)};
    }
    return out;
}

void checkScripts(const ClusterConfig& config, const QString& configDir, Diagnostics& diagnostics) {
    const QDir dir(configDir);
    for (const auto& script : requiredScripts(config)) {
        const QFileInfo info(dir.filePath(script.relativePath));
        if (!info.exists())
            diagnostics.error(script.owner, QStringLiteral("script %1 is missing").arg(script.relativePath));
        else if (!info.isFile())
            diagnostics.error(script.owner, QStringLiteral("%1 is not a file").arg(script.relativePath));
    }
}

} // namespace lifeline::config
