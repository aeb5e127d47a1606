#pragma once

#include "ClusterConfig.h"
#include "ConfigDocument.h"
#include "Diagnostic.h"

namespace lifeline::config {

// Builds the typed model from a document. Values that are not of their kind or
// out of range are reported and replaced by their defaults; the document itself
// is never changed.
ClusterConfig readConfig(const ConfigDocument& document, Diagnostics& diagnostics);

// Loads, reads and validates in one step (what clpcfchk and lifelined do).
struct LoadedConfig {
    std::optional<ConfigDocument> document;
    ClusterConfig config;
    Diagnostics diagnostics;
    bool ok() const { return document.has_value() && !diagnostics.hasErrors(); }
};
LoadedConfig loadConfig(const QString& path);
LoadedConfig parseConfig(const QByteArray& bytes, const QString& source);

} // namespace lifeline::config
