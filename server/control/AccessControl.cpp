#include "AccessControl.h"

#include <grp.h>
#include <pwd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <vector>

namespace lifeline::control {

AccessControl::AccessControl(QString groupName) : groupName_(std::move(groupName)) {}

std::optional<PeerCredentials> AccessControl::peerOf(int fd, QString* error) {
    ucred cred{};
    socklen_t len = sizeof cred;
    if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) != 0) {
        if (error)
            *error = QString::fromLocal8Bit(std::strerror(errno));
        return std::nullopt;
    }
    PeerCredentials peer;
    peer.uid = cred.uid;
    peer.gid = cred.gid;
    peer.pid = cred.pid;
    // The peer's own supplementary groups (Linux >= 4.13); getgrouplist() below
    // covers older kernels and groups given in /etc/group.
    std::vector<gid_t> groups(64);
    for (int attempt = 0; attempt < 2; ++attempt) {
        socklen_t glen = socklen_t(groups.size() * sizeof(gid_t));
        if (getsockopt(fd, SOL_SOCKET, SO_PEERGROUPS, groups.data(), &glen) == 0) {
            groups.resize(glen / sizeof(gid_t));
            peer.groups = QList<gid_t>(groups.begin(), groups.end());
            break;
        }
        if (errno != ERANGE)
            break;
        groups.resize(glen / sizeof(gid_t) + 1);
    }
    return peer;
}

std::optional<gid_t> AccessControl::groupId() const {
    if (groupName_.isEmpty())
        return std::nullopt;
    const QByteArray name = groupName_.toLocal8Bit();
    group entry{};
    group* found = nullptr;
    std::vector<char> buffer(16384);
    while (getgrnam_r(name.constData(), &entry, buffer.data(), buffer.size(), &found) == ERANGE)
        buffer.resize(buffer.size() * 2);
    if (!found)
        return std::nullopt;
    return found->gr_gid;
}

bool AccessControl::isMember(const PeerCredentials& peer, gid_t group) const {
    if (peer.gid == group || peer.groups.contains(group))
        return true;
    passwd entry{};
    passwd* found = nullptr;
    std::vector<char> buffer(16384);
    while (getpwuid_r(peer.uid, &entry, buffer.data(), buffer.size(), &found) == ERANGE)
        buffer.resize(buffer.size() * 2);
    if (!found)
        return false;
    int count = 64;
    std::vector<gid_t> groups(count);
    if (getgrouplist(found->pw_name, found->pw_gid, groups.data(), &count) < 0) {
        groups.resize(count);
        if (getgrouplist(found->pw_name, found->pw_gid, groups.data(), &count) < 0)
            return false;
    }
    groups.resize(count);
    for (gid_t g : groups)
        if (g == group)
            return true;
    return false;
}

AccessControl::Level AccessControl::levelFor(const PeerCredentials& peer) const {
    if (peer.isRoot())
        return Level::Write;
    const auto group = groupId();
    if (group && isMember(peer, *group))
        return Level::Read;
    return Level::None;
}

bool AccessControl::allows(const PeerCredentials& peer, Access access) const {
    const Level level = levelFor(peer);
    return access == Access::Read ? level != Level::None : level == Level::Write;
}

QString AccessControl::refusal(Level level) const {
    if (level == Level::Read)
        return QStringLiteral("Permission denied: changing the cluster requires root.");
    return QStringLiteral("Permission denied: only root and members of group %1 may use the "
                          "Lifeline control API.")
        .arg(groupName_);
}

} // namespace lifeline::control
