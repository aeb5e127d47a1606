#pragma once

#include "GroupExecutor.h"
#include "GroupView.h"

#include "ClusterConfig.h"
#include "GroupPolicy.h"

#include <QHash>
#include <QObject>

#include <functional>
#include <memory>

namespace lifeline::engine {

// The leader's half of the engine. The leader is the first server by priority
// among those eligible; it alone asks the group policy what to do and carries
// the decisions out as transitions: one step per (server, activate|deactivate),
// each run by that server's GroupExecutor (here or over RPC), the next step only
// after the previous one succeeded, so every deactivation finishes before the
// first activation elsewhere.
class GroupCoordinator : public QObject {
    Q_OBJECT
public:
    using Dispatch = std::function<void(const QString& server, const RunRequest& request,
                                        std::function<void(const RunResult&)> done)>;
    using Reply = std::function<void(bool ok, const QString& message)>;

    struct Membership {
        QStringList order;    // every server, by priority
        QStringList eligible; // may own groups now (see GroupPolicyInput)
        QStringList down;     // known down
        bool clusterStart = false;
        // group -> the server it was lost with, while no server has held it since
        // (policy::GroupObservation::lostFrom).
        QHash<QString, QString> lostFrom;
    };

    GroupCoordinator(const config::ClusterConfig& config, const GroupView& view, Dispatch dispatch,
                     QObject* parent = nullptr);

    // Decides and starts what is needed. Call whenever something changed; a
    // transition in progress holds its group until it ends.
    void evaluate(const Membership& membership);
    // Queues an operator request for the next evaluate(); `reply` once it is
    // refused, needs nothing, or its transition has ended.
    void request(const policy::OperatorRequest& request, Reply reply);
    // A monitor asks for its group to leave `server`: recorded like a failed
    // activation there, so the next evaluation fails the group over.
    void markFailed(const QString& group, const QString& server);
    // Leadership lost: queued requests fail; running transitions finish.
    void dropRequests(const QString& why);

    bool running(const QString& group) const { return transitions_.contains(group); }
    QStringList failedOn(const QString& group) const { return failedOn_.value(group); }
    QString lastReason(const QString& group) const { return lastReason_.value(group); }

signals:
    void alert(lifeline::engine::AlertType type, const QString& module, int id, const QString& message);
    // A transition ended or failed over: evaluate again.
    void reevaluate();
    // An operator request decided `group`, which was wanted only because its server was lost.
    void lostGroupHandled(const QString& group);

private:
    struct Step {
        QString server;
        RunRequest request;
    };
    struct Transition {
        policy::GroupDecision decision;
        QString from; // owner before
        QList<Step> steps;
        int next = 0;
        QList<Reply> replies;
    };
    void start(const policy::GroupDecision& decision, const QString& from, QList<Reply> replies);
    void runNext(const QString& group);
    void end(const QString& group, bool ok, const QString& message);

    const config::ClusterConfig& config_;
    const GroupView& view_;
    Dispatch dispatch_;
    QList<std::pair<policy::OperatorRequest, Reply>> requests_;
    QHash<QString, std::shared_ptr<Transition>> transitions_;
    QHash<QString, QStringList> failedOn_;
    QHash<QString, QString> lastReason_;
    QHash<QString, QString> alerted_; // group -> last alerted outcome+reason
};

} // namespace lifeline::engine
