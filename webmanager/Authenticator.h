#pragma once

#include "ApiMessage.h"
#include "LoginLimiter.h"
#include "Role.h"
#include "SessionStore.h"

#include <QHash>
#include <QHostAddress>
#include <QList>
#include <QPair>
#include <QString>

namespace lifeline::webmgr {

// Who may use the WebManager: the client allow-list, the two passwords (hashes from
// clp.conf), browser sessions with their CSRF tokens, HTTP Basic for API clients, and
// the failed-login limit per client address.
class Authenticator {
public:
    static inline const QByteArray kSessionCookie = "lifeline_session";
    static inline const QByteArray kCsrfHeader = "x-csrf-token";

    struct Settings {
        QString operatorHash;  // empty: nobody logs in as operator
        QString referenceHash; // empty: nobody logs in as reference
        QList<QPair<QHostAddress, int>> clients; // empty: every client
        qint64 sessionIdleMs = 1800000;
        bool secure = true; // HTTPS: cookies get Secure
    };

    // The result of looking at a request's credentials.
    struct Identity {
        Role role = Role::None;
        bool session = false; // a browser session (changes need its CSRF token)
        QByteArray sessionId;
        QByteArray csrf;
        int status = 401; // when role is None: 401 or 429
        QString message;
    };

    explicit Authenticator(Settings settings, SessionStore::Clock clock = {});

    const Settings& settings() const { return settings_; }
    SessionStore& sessions() { return sessions_; }
    LoginLimiter& limiter() { return limiter_; }

    bool clientAllowed(const QHostAddress& address) const;
    // Session cookie first, else Basic credentials. A failed Basic attempt counts as a
    // failed login (`failedNow` then tells the failures of that address so far).
    Identity identify(const ApiRequest& request, int* failedNow = nullptr);
    // user "operator" or "reference" with its password; a session on success.
    Identity login(const QString& user, const QByteArray& password, const QString& address,
                   int* failedNow = nullptr);
    void logout(const QByteArray& sessionId) { sessions_.remove(sessionId); }

    QByteArray sessionCookie(const QByteArray& id) const;
    QByteArray clearedCookie() const;
    static QByteArray cookieValue(const QByteArray& cookieHeader, const QByteArray& name);

private:
    Role check(const QString& user, const QByteArray& password);
    // True (and `id` says 429 and when to retry) while `address` has too many failures.
    bool limited(const QString& address, Identity* id);

    Settings settings_;
    SessionStore sessions_;
    LoginLimiter limiter_;
    // Basic credentials that verified recently (keyed by a salted SHA-256 of the header),
    // so an API client polling every second does not pay a PBKDF2 per request.
    QHash<QByteArray, QPair<Role, qint64>> basicCache_;
    QByteArray cacheSalt_;
    SessionStore::Clock clock_;
};

} // namespace lifeline::webmgr
