#pragma once

#include "PartitionPolicy.h"

#include <QHash>
#include <QObject>
#include <QStringList>
#include <QTimer>

#include <functional>
#include <optional>

namespace lifeline::np {

class PartitionResolver;

// Notices servers that have gone silent but not yet timed out and, once their
// silence reaches policy::earlyIsolationCheck's point, has the resolver listen
// for ping answers until the decision is due (PartitionResolver::checkEarly).
// Once per silent set: it checks again only when another server falls silent,
// or after every server has been heard again. Whether they are still silent
// when the answer comes is for the caller to check (`stillSilent`).
class IsolationWatch : public QObject {
    Q_OBJECT
public:
    // Each server that is up, with the milliseconds since it was last heard on any path.
    using Silences = std::function<QHash<QString, qint64>()>;

    IsolationWatch(Silences silences, PartitionResolver* resolver, QObject* parent = nullptr);

    // nullopt: no early check (no pingnp, or a timeout too short for one).
    void setCheck(std::optional<policy::EarlyIsolationCheck> check);
    std::optional<policy::EarlyIsolationCheck> check() const { return check_; }
    // None of `servers` has been heard again since the check started.
    bool stillSilent(const QStringList& servers) const;
    void start(int tickMs);
    void stop();

private:
    void tick();

    Silences silences_;
    PartitionResolver* resolver_;
    std::optional<policy::EarlyIsolationCheck> check_;
    QStringList checked_; // the silent servers already checked for
    QTimer tick_;
};

} // namespace lifeline::np
