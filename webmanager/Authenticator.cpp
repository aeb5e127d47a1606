#include "Authenticator.h"

#include "PasswordHash.h"

#include <QCryptographicHash>
#include <QDeadlineTimer>

namespace lifeline::webmgr {

namespace {
constexpr qint64 kBasicCacheMs = 60000;
constexpr int kBasicCacheMax = 256;
} // namespace

Authenticator::Authenticator(Settings settings, SessionStore::Clock clock)
    : settings_(std::move(settings)), sessions_(settings_.sessionIdleMs, clock),
      limiter_(5, 60000, clock), cacheSalt_(SessionStore::randomToken()), clock_(std::move(clock)) {
    if (!clock_)
        clock_ = [] { return QDeadlineTimer::current().deadline(); };
}

bool Authenticator::clientAllowed(const QHostAddress& address) const {
    if (settings_.clients.isEmpty())
        return true;
    // An IPv4 client on a dual-stack socket may arrive as ::ffff:a.b.c.d.
    bool mapped = false;
    const quint32 v4 = address.toIPv4Address(&mapped);
    const QHostAddress plain = mapped ? QHostAddress(v4) : address;
    for (const auto& subnet : settings_.clients)
        if (plain.isInSubnet(subnet))
            return true;
    return false;
}

Role Authenticator::check(const QString& user, const QByteArray& password) {
    const Role role = roleFromName(user);
    const QString& hash = role == Role::Operator ? settings_.operatorHash : settings_.referenceHash;
    if (role == Role::None || hash.isEmpty())
        return Role::None;
    return PasswordHash::verify(password, hash) ? role : Role::None;
}

bool Authenticator::limited(const QString& address, Identity* id) {
    if (!limiter_.blocked(address))
        return false;
    id->status = 429;
    id->message = QStringLiteral("too many failed logins from %1; try again in %2 s")
                      .arg(address)
                      .arg((limiter_.retryAfterMs(address) + 999) / 1000);
    return true;
}

Authenticator::Identity Authenticator::login(const QString& user, const QByteArray& password,
                                             const QString& address, int* failedNow) {
    Identity id;
    if (limited(address, &id))
        return id;
    id.role = check(user, password);
    if (id.role == Role::None) {
        const int n = limiter_.fail(address);
        if (failedNow)
            *failedNow = n;
        id.message = roleFromName(user) == Role::None
                         ? QStringLiteral("unknown user \"%1\" (operator or reference)").arg(user)
                         : QStringLiteral("wrong password for user \"%1\"").arg(user);
        return id;
    }
    const auto s = sessions_.create(id.role);
    id.session = true;
    id.sessionId = s.id;
    id.csrf = s.csrf;
    id.status = 200;
    return id;
}

Authenticator::Identity Authenticator::identify(const ApiRequest& request, int* failedNow) {
    Identity id;
    const QByteArray cookie = cookieValue(request.header("cookie"), kSessionCookie);
    if (!cookie.isEmpty()) {
        if (const auto s = sessions_.use(cookie)) {
            id.role = s->role;
            id.session = true;
            id.sessionId = s->id;
            id.csrf = s->csrf;
            id.status = 200;
            return id;
        }
    }
    const QByteArray authorization = request.header("authorization");
    if (authorization.startsWith("Basic ")) {
        const QString address = request.peer.toString();
        if (limited(address, &id))
            return id;
        const QByteArray key =
            QCryptographicHash::hash(cacheSalt_ + authorization, QCryptographicHash::Sha256);
        const qint64 now = clock_();
        const auto cached = basicCache_.value(key, {Role::None, 0});
        if (cached.first != Role::None && now - cached.second < kBasicCacheMs) {
            id.role = cached.first;
            id.status = 200;
            return id;
        }
        const QByteArray decoded = QByteArray::fromBase64(authorization.mid(6).trimmed());
        const qsizetype colon = decoded.indexOf(':');
        const QString user = QString::fromUtf8(decoded.left(colon < 0 ? 0 : colon));
        id.role = colon < 0 ? Role::None : check(user, decoded.mid(colon + 1));
        if (id.role == Role::None) {
            const int n = limiter_.fail(address);
            if (failedNow)
                *failedNow = n;
            id.message = QStringLiteral("the Basic credentials were refused (user \"%1\")").arg(user);
            return id;
        }
        if (basicCache_.size() >= kBasicCacheMax)
            basicCache_.clear();
        basicCache_.insert(key, {id.role, now});
        id.status = 200;
        return id;
    }
    id.message = cookie.isEmpty()
                     ? QStringLiteral("authentication required: log in (POST /api/v1/login) or "
                                      "send HTTP Basic credentials")
                     : QStringLiteral("the session has expired or is unknown; log in again");
    return id;
}

QByteArray Authenticator::sessionCookie(const QByteArray& id) const {
    return kSessionCookie + '=' + id + "; Path=/; HttpOnly; SameSite=Strict" +
           (settings_.secure ? "; Secure" : "");
}

QByteArray Authenticator::clearedCookie() const {
    return kSessionCookie + "=; Path=/; Max-Age=0; HttpOnly; SameSite=Strict" +
           (settings_.secure ? "; Secure" : "");
}

QByteArray Authenticator::cookieValue(const QByteArray& cookieHeader, const QByteArray& name) {
    for (const QByteArray& part : cookieHeader.split(';')) {
        const QByteArray p = part.trimmed();
        if (p.startsWith(name + '='))
            return p.mid(name.size() + 1);
    }
    return {};
}

} // namespace lifeline::webmgr
