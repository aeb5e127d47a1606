#pragma once

#include <QHash>
#include <QList>
#include <QString>
#include <functional>

namespace lifeline::webmgr {

// Failed logins per client address in a sliding window: after `maxFailures` within
// `windowMs` the address is refused (HTTP 429) until the oldest failure leaves the
// window. A successful login does not clear the count (an attacker who guesses one
// password must not get a fresh budget for the other).
class LoginLimiter {
public:
    using Clock = std::function<qint64()>;

    LoginLimiter(int maxFailures = 5, qint64 windowMs = 60000, Clock clock = {});

    bool blocked(const QString& address);
    // Records a failure; answers the failures of `address` within the window.
    int fail(const QString& address);
    // Milliseconds until `address` may try again (0 when it may now).
    qint64 retryAfterMs(const QString& address);

private:
    void prune(const QString& address);

    int max_;
    qint64 windowMs_;
    Clock clock_;
    QHash<QString, QList<qint64>> failures_;
};

} // namespace lifeline::webmgr
