#pragma once

#include "ClusterConfig.h"

// Readable locations for messages: `group "failover1" / resource "disk1"`.
namespace lifeline::config::paths {

QString server(const QString& name);
QString device(const QString& serverName, int id);
QString heartbeat(const QString& name);
QString np(const QString& name);
QString group(const QString& name);
QString resource(const ClusterConfig& config, const QString& name);
QString resourceInGroup(const QString& groupName, const QString& name);
QString monitor(const QString& name);

} // namespace lifeline::config::paths
