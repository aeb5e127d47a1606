#pragma once

#include "ClusterConfig.h"
#include "Diagnostic.h"

namespace lifeline::config {

// Checks a configuration for everything that would make it unsafe or impossible
// to run, and adds one message per problem. A configuration with errors is
// never applied; warnings are reported and allowed.
void validate(const ClusterConfig& config, Diagnostics& diagnostics);

} // namespace lifeline::config
