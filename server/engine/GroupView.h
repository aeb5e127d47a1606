#pragma once

#include "GroupState.h"

#include <QHash>
#include <QSet>
#include <QStringList>

namespace lifeline::engine {

// The cluster-wide picture of failover groups: every server's latest group
// table (its own report), and from it who holds each group.
class GroupView {
public:
    // Takes `table` if it is newer than what we have from `server`; a report of the
    // same version confirms it. True if the view changed.
    bool offer(const QString& server, const GroupTable& table);
    // Until a server that came back has reported again, its old table may be
    // stale in either direction: its claims still count, it is not eligible.
    void setUnconfirmed(const QString& server) { unconfirmed_.insert(server); }
    bool confirmed(const QString& server) const { return !unconfirmed_.contains(server); }
    const GroupTable* table(const QString& server) const;

    // Servers whose table shows the group anywhere but Offline, in `order`.
    QStringList holders(const QString& group, const QStringList& order) const;

    // What the group policy needs to know of one group. `down`: servers known
    // down; `failedOn`: the leader's record of failed activations.
    // Holders that are not down count; with two or more of them the group is
    // reported Pending (hold: never decide around a double owner, alert instead).
    policy::GroupObservation observe(const QString& group, const QStringList& order,
                                     const QStringList& down, const QStringList& failedOn) const;

private:
    QHash<QString, GroupTable> tables_;
    QSet<QString> unconfirmed_;
};

} // namespace lifeline::engine
