#pragma once

#include "ClusterConfig.h"

#include <QHash>
#include <QList>
#include <QString>
#include <QStringList>

// Failover-group placement as a pure decision: which server should own each
// group and which resources to deactivate and activate, in which order, to get
// there. No I/O, no clock: the caller passes what it observed (see README.md).
namespace lifeline::policy {

enum class GroupState { Offline, Online, Pending, Error };
QString groupStateName(GroupState s);
// "offline", "online", "pending", "error"; anything else -> false.
bool parseGroupState(const QString& name, GroupState* out);

struct GroupObservation {
    QString owner; // server whose resources hold the group now; empty = none
    GroupState state = GroupState::Offline;
    QStringList failedOn; // servers on which activating this group failed
    // Recovery on the owner ended with a final action that leaves the group
    // where it is (e.g. "no operation"): it stays, in error, until an operator acts.
    bool held = false;
    // The server that held the group when it was lost (heartbeat timeout, not a graceful
    // stop), while no server has held it since: it still wants to run. Set when that server
    // came back before it was declared down for good (a quick restart) and holds nothing now.
    QString lostFrom;
};

enum class RequestKind { Start, Stop, Move, Clear };
QString requestKindName(RequestKind k);
bool parseRequestKind(const QString& name, RequestKind* out);

struct OperatorRequest {
    RequestKind kind = RequestKind::Start;
    QString group;
    QString server; // start: optional; move: required; stop/clear: unused
};

struct GroupPolicyInput {
    // Servers that may own groups now: up, cluster Online, config matching
    // and, for servers that were lost and came back, cleared by partition
    // resolution. The policy never places a group anywhere else.
    QStringList eligible;
    // Servers known to be down: heartbeats lost *and* partition resolution
    // says this side survives (or the server was fenced). Only a group whose
    // owner is listed here is re-placed after losing its owner.
    QStringList down;
    // True once, when the cluster starts: groups with autoStart come up.
    bool clusterStart = false;
    QHash<QString, GroupObservation> groups; // by group name; missing = Offline, no owner
    QList<OperatorRequest> requests;         // in arrival order; the last one per group counts
};

enum class ActionKind { Activate, Deactivate };
QString actionKindName(ActionKind k);

struct GroupAction {
    QString server;
    ActionKind kind = ActionKind::Activate;
    QString resource;
    int wave = 1; // 1-based within the group; actions of one wave may run in parallel
};

// What a group's decision is about, one word for logs and golden files.
enum class Outcome {
    Stay,              // owner keeps it, nothing to do
    Offline,           // not running and nothing asks it to run
    Start,             // starting (cluster start or operator start)
    Failover,          // owner lost or activation failed: moving to the next server
    Failback,          // automatic failback to an earlier server
    Move,              // operator move
    Stop,              // operator stop
    Hold,              // transition in progress, or owner not known down: wait
    FailedEverywhere,  // failed on every eligible server that can run it: stopped, alert
    NoServer,          // wants to run, but no server in its list is eligible
};
QString outcomeName(Outcome o);

struct GroupDecision {
    QString group;
    QString target; // owner after the actions; empty = none (see reason)
    Outcome outcome = Outcome::Offline;
    QString reason;            // one sentence for logs and alerts
    bool alert = false;        // raise an alert (failed everywhere, owner lost and nowhere to go)
    bool clearFailures = false; // the caller forgets this group's failedOn flags
    QString rejected;          // why the operator request for this group was refused, if it was
    QList<GroupAction> actions; // every deactivation before any activation
};

// One decision per group of config.groups, in config order.
QList<GroupDecision> decideGroups(const config::ClusterConfig& config, const GroupPolicyInput& input);

// The group's resources in activation waves: a resource comes after every
// resource it depends on. Explicit depends (names of resources of the same
// group) replace the default, which is "every resource of a lower type rank":
// fip, vip (0) -> volmgr (1) -> disk (2) -> other types (3) -> exec (4).
// Resources in one wave are independent and may activate in parallel; within
// a wave they keep the group's listing order. Resources caught in a
// dependency cycle (the validator rejects those) come last, one per wave.
QList<QStringList> activationWaves(const config::ClusterConfig& config, const config::Group& group);
// The same waves reversed: dependants stop before what they depend on.
QList<QStringList> deactivationWaves(const config::ClusterConfig& config, const config::Group& group);

} // namespace lifeline::policy
