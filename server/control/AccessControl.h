#pragma once

#include "ControlProtocol.h"

#include <QString>
#include <optional>

namespace lifeline::control {

// Who may do what on the control socket: root everything, members of the
// operators' group (default "lifeline") Read commands, anyone else nothing.
class AccessControl {
public:
    enum class Level { None, Read, Write };

    explicit AccessControl(QString groupName = QStringLiteral("lifeline"));

    // The credentials of the process at the other end of a connected Unix socket.
    static std::optional<PeerCredentials> peerOf(int fd, QString* error = nullptr);

    QString groupName() const { return groupName_; }
    // Looked up on each call: the group may be created while the daemon runs.
    std::optional<gid_t> groupId() const;

    Level levelFor(const PeerCredentials& peer) const;
    bool allows(const PeerCredentials& peer, Access access) const;
    // The text of the "permission" error for a peer at `level`.
    QString refusal(Level level) const;

private:
    bool isMember(const PeerCredentials& peer, gid_t group) const;

    QString groupName_;
};

} // namespace lifeline::control
