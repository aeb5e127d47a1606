#include "RpcLog.h"

namespace lifeline::rpc {

Q_LOGGING_CATEGORY(lcRpc, "lifeline.rpc")

} // namespace lifeline::rpc
