#include "GroupCoordinator.h"

#include <algorithm>

namespace lifeline::engine {

using policy::ActionKind;
using policy::Outcome;
using resources::ResourceEvent;

GroupCoordinator::GroupCoordinator(const config::ClusterConfig& config, const GroupView& view,
                                   Dispatch dispatch, QObject* parent)
    : QObject(parent), config_(config), view_(view), dispatch_(std::move(dispatch)) {}

void GroupCoordinator::request(const policy::OperatorRequest& request, Reply reply) {
    requests_.append({request, std::move(reply)});
}

void GroupCoordinator::markFailed(const QString& group, const QString& server) {
    if (!failedOn_[group].contains(server))
        failedOn_[group] << server;
    emit reevaluate();
}

void GroupCoordinator::dropRequests(const QString& why) {
    const auto pending = std::exchange(requests_, {});
    for (const auto& [request, reply] : pending)
        reply(false, why);
}

void GroupCoordinator::evaluate(const Membership& m) {
    policy::GroupPolicyInput input;
    input.eligible = m.eligible;
    input.down = m.down;
    input.clusterStart = m.clusterStart;
    for (const auto& g : config_.groups) {
        auto obs = view_.observe(g.name, m.order, m.down, failedOn_.value(g.name));
        if (transitions_.contains(g.name))
            obs.state = policy::GroupState::Pending;
        obs.lostFrom = m.lostFrom.value(g.name);
        input.groups.insert(g.name, obs);
    }
    QHash<QString, QList<Reply>> replies;
    for (const auto& [request, reply] : requests_) {
        input.requests << request;
        replies[request.group] << reply;
    }
    requests_.clear();

    for (const auto& d : policy::decideGroups(config_, input)) {
        auto waiting = replies.take(d.group);
        lastReason_.insert(d.group, d.reason);
        if (!d.rejected.isEmpty()) {
            emit alert(AlertType::Warning, QStringLiteral("group"), alert::GroupRequestRefused,
                       QStringLiteral("Group %1: %2.").arg(d.group, d.rejected));
            for (const auto& r : waiting)
                r(false, d.rejected);
            waiting.clear();
        }
        if (d.clearFailures)
            failedOn_.remove(d.group);
        if (d.clearFailures && !m.lostFrom.value(d.group).isEmpty())
            emit lostGroupHandled(d.group); // an operator acted: the loss no longer asks it to run
        if (d.alert) {
            const QString key = policy::outcomeName(d.outcome) + d.reason;
            if (alerted_.value(d.group) != key) {
                alerted_.insert(d.group, key);
                emit alert(AlertType::Error, QStringLiteral("group"),
                           d.outcome == Outcome::NoServer ? alert::GroupNoServer : alert::GroupFailedEverywhere,
                           QStringLiteral("Group %1: %2.").arg(d.group, d.reason));
            }
        } else {
            alerted_.remove(d.group);
        }
        QStringList holders = view_.holders(d.group, m.order);
        for (const auto& s : m.down)
            holders.removeAll(s); // its table is the last it sent before it was lost
        const bool allReported = std::all_of(holders.begin(), holders.end(),
                                             [this](const QString& s) { return view_.confirmed(s); });
        // A server that came back may still show its old table for a moment: only
        // servers that have reported since count.
        if (holders.size() > 1 && allReported && !transitions_.contains(d.group)) {
            const QString key = QStringLiteral("two-owners");
            if (alerted_.value(d.group) != key) {
                alerted_.insert(d.group, key);
                emit alert(AlertType::Error, QStringLiteral("group"), alert::GroupTwoOwners,
                           QStringLiteral("Group %1 is reported active on %2 at once: no decision is "
                                          "taken for it until only one holds it.")
                               .arg(d.group, holders.join(QStringLiteral(", "))));
            }
        }
        if (d.actions.isEmpty()) {
            for (const auto& r : waiting)
                r(true, d.reason);
            continue;
        }
        start(d, input.groups.value(d.group).owner, waiting);
    }
}

void GroupCoordinator::start(const policy::GroupDecision& d, const QString& from, QList<Reply> replies) {
    auto t = std::make_shared<Transition>();
    t->decision = d;
    t->from = from;
    t->replies = std::move(replies);
    const bool failover = d.outcome == Outcome::Failover || d.outcome == Outcome::FailedEverywhere;
    for (const auto& a : d.actions) {
        if (t->steps.isEmpty() || t->steps.last().server != a.server ||
            t->steps.last().request.kind != a.kind) {
            Step step;
            step.server = a.server;
            step.request.group = d.group;
            step.request.kind = a.kind;
            step.request.event = failover ? ResourceEvent::Failover
                                 : a.kind == ActionKind::Activate ? ResourceEvent::Start
                                                                  : ResourceEvent::Stop;
            t->steps << step;
        }
        t->steps.last().request.only << a.resource;
    }
    transitions_.insert(d.group, t);
    runNext(d.group);
}

void GroupCoordinator::runNext(const QString& group) {
    auto t = transitions_.value(group);
    if (!t)
        return;
    if (t->next >= t->steps.size()) {
        end(group, true, {});
        return;
    }
    Step step = t->steps[t->next++];
    step.request.serversFailed = int(failedOn_.value(group).size());
    dispatch_(step.server, step.request, [this, group, step, t](const RunResult& result) {
        if (transitions_.value(group) != t)
            return;
        if (result.ok()) {
            runNext(group);
            return;
        }
        if (result.outcome == RunResult::Outcome::Failover && !failedOn_[group].contains(step.server))
            failedOn_[group] << step.server;
        const QString what = step.request.kind == ActionKind::Activate ? QStringLiteral("activate")
                                                                        : QStringLiteral("deactivate");
        end(group, false, QStringLiteral("could not %1 group %2 on %3: %4")
                              .arg(what, group, step.server, result.reason));
    });
}

void GroupCoordinator::end(const QString& group, bool ok, const QString& message) {
    auto t = transitions_.take(group);
    if (!t)
        return;
    const auto& d = t->decision;
    if (ok) {
        QString text;
        int id = alert::GroupStarted;
        switch (d.outcome) {
        case Outcome::Stop:
        case Outcome::FailedEverywhere:
            id = alert::GroupStopped;
            text = QStringLiteral("Group %1 stopped on %2.").arg(group, t->from);
            break;
        case Outcome::Failover:
            id = alert::GroupFailover;
            text = t->from.isEmpty() || t->from == d.target
                       ? QStringLiteral("Group %1 started on %2 (%3).").arg(group, d.target, d.reason)
                       : QStringLiteral("Group %1 failed over from %2 to %3.").arg(group, t->from, d.target);
            break;
        case Outcome::Move:
        case Outcome::Failback:
            id = alert::GroupMoved;
            text = QStringLiteral("Group %1 moved from %2 to %3 (%4).").arg(group, t->from, d.target, d.reason);
            break;
        default:
            text = QStringLiteral("Group %1 started on %2.").arg(group, d.target);
            break;
        }
        emit alert(AlertType::Info, QStringLiteral("group"), id, text);
    } else {
        emit alert(AlertType::Error, QStringLiteral("group"), alert::GroupActionFailed,
                   QStringLiteral("Group %1: %2.").arg(group, message));
    }
    for (const auto& r : t->replies)
        r(ok, ok ? d.reason : message);
    emit reevaluate();
}

} // namespace lifeline::engine
