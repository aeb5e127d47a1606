#pragma once

#include "ClusterConfig.h"
#include "Diagnostic.h"

#include <QStringList>

namespace lifeline::config {

// A script that travels with clp.conf in scripts/.
struct RequiredScript {
    QString relativePath; // "scripts/failover1/exec1/start.sh"
    QString owner;        // readable path of the resource or monitor that runs it
};

// Every script the configuration runs from its scripts/ directory:
// scripts/<group>/<resource>/start.sh|stop.sh for exec resources and
// scripts/monitor.s/<monitor>/<script> for genw monitors and pre-action scripts.
// Absolute script paths are the administrator's own and are not listed.
QList<RequiredScript> requiredScripts(const ClusterConfig& config);

// Reports each required script missing under `configDir`.
void checkScripts(const ClusterConfig& config, const QString& configDir, Diagnostics& diagnostics);

} // namespace lifeline::config
