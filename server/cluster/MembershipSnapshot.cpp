#include "MembershipSnapshot.h"

namespace lifeline::cluster {

namespace {

template <typename T> const T* findByName(const QList<T>& list, const QString& name) {
    for (const auto& item : list)
        if (item.name == name)
            return &item;
    return nullptr;
}

} // namespace

const MembershipSnapshot::PeerPath* MembershipSnapshot::Peer::path(const QString& name) const {
    for (const auto& item : paths)
        if (item.path == name)
            return &item;
    return nullptr;
}

qint64 MembershipSnapshot::Peer::lastHeardAgeMs() const {
    qint64 age = -1;
    for (const auto& item : paths)
        if (item.lastHeardAgeMs >= 0 && (age < 0 || item.lastHeardAgeMs < age))
            age = item.lastHeardAgeMs;
    return age;
}

const MembershipSnapshot::Peer* MembershipSnapshot::peer(const QString& name) const {
    return findByName(peers, name);
}

const MembershipSnapshot::Path* MembershipSnapshot::path(const QString& name) const {
    return findByName(paths, name);
}

} // namespace lifeline::cluster
