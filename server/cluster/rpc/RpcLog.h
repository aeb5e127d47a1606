#pragma once

#include <QLoggingCategory>

namespace lifeline::rpc {

// "lifeline.rpc": refused peers, protocol errors, closed connections.
Q_DECLARE_LOGGING_CATEGORY(lcRpc)

} // namespace lifeline::rpc
