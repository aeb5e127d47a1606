#pragma once

#include "Role.h"

#include <QByteArray>
#include <QHash>
#include <functional>
#include <optional>

namespace lifeline::webmgr {

// Browser sessions after a login: an unguessable id (the cookie) with the user's role
// and a CSRF token the page must send back in a header on every change. A session
// ends after `idleMs` without use, at logout, or when the store is full (the least
// recently used goes). Monotonic clock; injectable for tests.
class SessionStore {
public:
    using Clock = std::function<qint64()>; // milliseconds, monotonic
    static constexpr int kMaxSessions = 1024;

    struct Session {
        QByteArray id;
        QByteArray csrf;
        Role role = Role::None;
        qint64 lastUsedMs = 0;
    };

    explicit SessionStore(qint64 idleMs, Clock clock = {});

    Session create(Role role);
    // The live session with this id (its idle timer restarts), or nothing.
    std::optional<Session> use(const QByteArray& id);
    // Whether the session still exists, without restarting its idle timer (an open event
    // stream is no sign that someone is there).
    bool alive(const QByteArray& id);
    void remove(const QByteArray& id);
    int size();
    qint64 idleMs() const { return idleMs_; }

    // 32 random bytes, base64url without padding.
    static QByteArray randomToken();

private:
    void expire();

    qint64 idleMs_;
    Clock clock_;
    QHash<QByteArray, Session> sessions_;
};

} // namespace lifeline::webmgr
