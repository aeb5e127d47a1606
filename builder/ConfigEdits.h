#pragma once

#include "ClusterConfig.h"
#include "ConfigPackage.h"
#include "ConfigTreeModel.h"

namespace lifeline::builder {

using Scripts = QList<config::ConfigPackage::File>;

// Model edits that follow references, shared by the wizard pages and the tree:
// a rename follows into every place that names the object (group server lists,
// resource lists and dependencies, monitor targets and recovery targets, the
// scripts/<group>/<resource>/ folders), and a removal takes the references with it.
// `scripts` may be null (the wizard keeps its scripts by itself).
namespace edits {

void rename(config::ClusterConfig& config, Scripts* scripts, ConfigTreeModel::Kind kind,
            const QString& from, const QString& to);
// Only the places that name server `from` (group server lists, monitor server lists).
void renameServerReferences(config::ClusterConfig& config, const QString& from,
                            const QString& to);
// What refers to the object, one line each ("group \"failover1\" can run on it"), for
// the question before a removal.
QStringList references(const config::ClusterConfig& config, ConfigTreeModel::Kind kind,
                       const QString& name);
// Removes the object and the references to it; a group's resources go with it, an
// interconnect or NP resolution its device on every server (unless another route uses it).
void remove(config::ClusterConfig& config, Scripts* scripts, ConfigTreeModel::Kind kind,
            const QString& name);
// True when another object of the same kind (servers; groups, resources and monitors
// share one name space in the wizard's defaults) already has `name`.
bool nameTaken(const config::ClusterConfig& config, ConfigTreeModel::Kind kind,
               const QString& name);
// A device id of `deviceType` ("lan" 0.., "com" 200.., "disk" 300.., "ping" 10200..) that no
// server, interconnect or NP resolution uses yet, for a new route.
int freeDeviceId(const config::ClusterConfig& config, const QString& deviceType);
// The servers' device type of a route type: lanhb / lankhb "lan", comhb "com", diskhb
// "disk", pingnp "ping"; empty for others.
QString deviceTypeOf(const QString& routeType);

// The first object called `name` in `list`, to change it.
template <class Obj> Obj* find(QList<Obj>& list, const QString& name) {
    for (auto& o : list)
        if (o.name == name)
            return &o;
    return nullptr;
}

} // namespace edits
} // namespace lifeline::builder
