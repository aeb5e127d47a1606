#pragma once

#include "ClusterConfig.h"

namespace lifeline::builder {

// "<prefix>N" with the smallest N from 1 that no group, resource or monitor has yet
// (ExpressCluster's defaults: failover1, fip1, disk1, fipw1 ...).
QString uniqueName(const QString& prefix, const config::ClusterConfig& config);

} // namespace lifeline::builder
