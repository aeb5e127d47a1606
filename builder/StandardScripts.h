#pragma once

#include <QString>

namespace lifeline::builder {

// The standard start.sh / stop.sh an exec resource starts with (the manual's
// wizard pre-fills its script editor the same way): a case on CLP_EVENT with a
// place for each event, using the variables Lifeline sets (resources/README.md).
QString standardStartScript();
QString standardStopScript();

} // namespace lifeline::builder
