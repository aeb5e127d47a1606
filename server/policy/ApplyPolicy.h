#pragma once

#include "ClusterConfig.h"
#include "ConfigDocument.h"

#include <QList>
#include <QString>
#include <QStringList>

// What a configuration change needs before it may be applied (clpcfctrl --push,
// the Builder's apply): ExpressCluster's "how a change is applied" table as a
// pure function of the running and the new configuration. The rules and the
// messages are listed in README.md.
namespace lifeline::policy {

// Ordered from the mildest to the strongest.
enum class ApplyOperation {
    UploadOnly,        // nothing running is touched
    RestartWebManager, // upload, then restart the WebManager
    SuspendMonitors,   // the named monitors suspended while uploading
    SuspendCluster,    // the cluster suspended while uploading (groups keep running)
    StopGroups,        // the named groups stopped while uploading
    StopCluster,       // the cluster stopped while uploading
    ShutdownAndReboot, // the cluster stopped while uploading, then every server rebooted
};
// "upload-only", "restart-webmanager", "suspend-monitors", "suspend-cluster",
// "stop-groups", "stop-cluster", "shutdown-reboot".
QString applyOperationName(ApplyOperation operation);

struct ConfigChange {
    enum class Kind { Added, Removed, Changed };
    QString object; // "group failover1 / resource fip1 / parameters/ip"
    Kind kind = Kind::Changed;
    // The running and the new value; "" on the side where the object is missing.
    // An added or removed object shows its type ("fip", "lanhb", "server"); an
    // added or removed element Lifeline does not model, its text.
    QString oldValue;
    QString newValue;
    ApplyOperation operation = ApplyOperation::UploadOnly;
    QString target; // the group to stop (StopGroups) or the monitor to suspend (SuspendMonitors)
};
QString changeKindName(ConfigChange::Kind kind); // "added", "removed", "changed"

struct ApplyDecision {
    ApplyOperation operation = ApplyOperation::UploadOnly; // the strongest any change needs
    QStringList groups;   // every group some change needs stopped (running config order)
    QStringList monitors; // every monitor some change needs suspended
    QList<ConfigChange> changes;
    // The required operation as the manual words it, "To apply the changes you
    // made, suspend the cluster."; "" when the upload alone applies the change.
    QString message;
    // What to do after a successful upload: the manual's "restart the WebManager"
    // or "shutdown and reboot the cluster" line, or "".
    QString afterUpload;

    bool needs(ApplyOperation operation) const; // some change needs exactly this operation
};

// Compares two configurations. The documents (the same files as XML trees) are
// optional: with both, elements Lifeline does not model are compared too, and a
// change in one it knows nothing about needs StopCluster; without them only the
// model is compared.
ApplyDecision decideApply(const config::ClusterConfig& running, const config::ClusterConfig& next,
                          const config::ConfigDocument* runningDocument = nullptr,
                          const config::ConfigDocument* nextDocument = nullptr);

// The state of the running cluster when the upload is attempted.
enum class ClusterRunState { Online, Suspended, Stopped };
struct ApplyState {
    ClusterRunState cluster = ClusterRunState::Online;
    QStringList suspendedMonitors;
    QStringList stoppedGroups; // stopped on every server
};

struct ApplyCheck {
    bool allowed = true;
    // When not allowed: what is still to be done before the upload, in the
    // manual's words ("To apply the changes you made, stop the cluster.").
    QString message;
};

// Whether the change may be uploaded in `state`. A suspended or stopped cluster
// covers suspended monitors; a stopped cluster covers everything. StopCluster and
// ShutdownAndReboot both need the cluster stopped before the upload (the reboot
// comes after it: ApplyDecision::afterUpload).
ApplyCheck checkApplyState(const ApplyDecision& decision, const ApplyState& state);

} // namespace lifeline::policy
