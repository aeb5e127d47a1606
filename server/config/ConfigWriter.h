#pragma once

#include "ClusterConfig.h"
#include "ConfigDocument.h"

namespace lifeline::config {

// Makes `document` say what `config` says. Only what differs from the document's
// current content is touched: elements Lifeline does not model, and values it
// could not parse, stay as they were. Objects are matched by name (servers,
// heartbeats, groups, resources, monitors) and by id (devices); objects missing
// from `config` are removed, new ones appended.
void writeConfig(const ClusterConfig& config, ConfigDocument& document);

} // namespace lifeline::config
