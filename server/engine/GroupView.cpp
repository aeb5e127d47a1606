#include "GroupView.h"

namespace lifeline::engine {

using policy::GroupState;

bool GroupView::offer(const QString& server, const GroupTable& table) {
    auto it = tables_.find(server);
    if (it != tables_.end() && it->newerThan(table))
        return false; // a late report
    if (it != tables_.end() && !table.newerThan(*it))
        return unconfirmed_.remove(server); // nothing changed there: it confirms what we had
    tables_.insert(server, table);
    unconfirmed_.remove(server);
    return true;
}

const GroupTable* GroupView::table(const QString& server) const {
    auto it = tables_.find(server);
    return it == tables_.end() ? nullptr : &*it;
}

QStringList GroupView::holders(const QString& group, const QStringList& order) const {
    QStringList out;
    for (const auto& s : order) {
        const auto* t = table(s);
        if (t && t->groups.value(group).active())
            out << s;
    }
    return out;
}

policy::GroupObservation GroupView::observe(const QString& group, const QStringList& order,
                                            const QStringList& down, const QStringList& failedOn) const {
    policy::GroupObservation obs;
    obs.failedOn = failedOn;
    const QStringList all = holders(group, order);
    QStringList live;
    for (const auto& s : all)
        if (!down.contains(s))
            live << s;
    if (live.isEmpty() && all.isEmpty())
        return obs; // offline everywhere
    obs.owner = live.isEmpty() ? all.first() : live.first();
    const LocalGroup g = table(obs.owner)->groups.value(group);
    obs.state = g.state;
    obs.held = g.held;
    // A resource that could not be released is still held: wait for the owner's
    // final action (it is then down) instead of planning around it.
    if (g.stuck && !down.contains(obs.owner))
        obs.state = GroupState::Pending;
    if (live.size() > 1 || !confirmed(obs.owner))
        obs.state = GroupState::Pending;
    return obs;
}

} // namespace lifeline::engine
