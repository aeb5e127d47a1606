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
// The bytes of clp.conf for `config` written over a copy of `base` (a new document
// when null); `base` itself is never changed, so that the same model always gives
// the same bytes (an undo back to the opened model saves the opened file's bytes).
std::optional<QByteArray> configBytes(const config::ClusterConfig& config,
                                      const config::ConfigDocument* base, QString* error);

config::Diagnostics checkConfig(const config::ClusterConfig& config,
                                const config::ConfigDocument* base,
                                const QList<config::ConfigPackage::File>& scripts);

} // namespace lifeline::builder
