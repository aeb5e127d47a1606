#include "SessionStore.h"

#include <QDeadlineTimer>

#include <openssl/crypto.h>
#include <openssl/rand.h>

namespace lifeline::webmgr {

SessionStore::SessionStore(qint64 idleMs, Clock clock) : idleMs_(idleMs), clock_(std::move(clock)) {
    if (!clock_)
        clock_ = [] { return QDeadlineTimer::current().deadline(); };
}

QByteArray SessionStore::randomToken() {
    QByteArray bytes(32, '\0');
    if (RAND_bytes(reinterpret_cast<unsigned char*>(bytes.data()), int(bytes.size())) != 1)
        qFatal("RAND_bytes failed: no session token can be made");
    return bytes.toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals);
}

void SessionStore::expire() {
    const qint64 now = clock_();
    for (auto it = sessions_.begin(); it != sessions_.end();)
        it = now - it->lastUsedMs >= idleMs_ ? sessions_.erase(it) : std::next(it);
}

SessionStore::Session SessionStore::create(Role role) {
    expire();
    if (sessions_.size() >= kMaxSessions) {
        auto oldest = sessions_.begin();
        for (auto it = sessions_.begin(); it != sessions_.end(); ++it)
            if (it->lastUsedMs < oldest->lastUsedMs)
                oldest = it;
        sessions_.erase(oldest);
    }
    Session s{randomToken(), randomToken(), role, clock_()};
    sessions_.insert(s.id, s);
    return s;
}

std::optional<SessionStore::Session> SessionStore::use(const QByteArray& id) {
    expire();
    auto it = sessions_.find(id);
    if (it == sessions_.end())
        return std::nullopt;
    it->lastUsedMs = clock_();
    return *it;
}

bool SessionStore::alive(const QByteArray& id) {
    expire();
    return sessions_.contains(id);
}

void SessionStore::remove(const QByteArray& id) { sessions_.remove(id); }

int SessionStore::size() {
    expire();
    return int(sessions_.size());
}

} // namespace lifeline::webmgr
