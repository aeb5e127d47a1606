#pragma once

#include "ClusterConfig.h"
#include "ConfigDocument.h"
#include "ConfigPackage.h"
#include "Diagnostic.h"

namespace lifeline::builder {

// What clpcfchk would say about `config` saved over `base` (the file it was opened
// from, or a new one when null) with `scripts`: the model is written to a copy of
// the document, read back and validated, and the scripts are checked. Going through
// the file, not only the validator, gives the reader's range messages too, so the
// Builder shows exactly the messages clpcfchk prints.
config::Diagnostics checkConfig(const config::ClusterConfig& config,
                                const config::ConfigDocument* base,
                                const QList<config::ConfigPackage::File>& scripts);

} // namespace lifeline::builder
