#pragma once

#include <QByteArray>
#include <QJsonObject>
#include <QJsonValue>
#include <QList>
#include <QString>

#include <sys/types.h>

// The wire format of the local control API (PROTOCOL.md): one JSON object per
// line, versioned, with a request id echoed in the response.
namespace lifeline::control {

constexpr int kProtocolVersion = 1;
// A request line longer than this is refused and the connection closed.
constexpr qsizetype kMaxRequestBytes = 1024 * 1024;

// Error codes the server itself produces; handlers may add their own words.
namespace errors {
inline const QString kBadRequest = QStringLiteral("bad-request");
inline const QString kVersion = QStringLiteral("version");
inline const QString kUnknownCommand = QStringLiteral("unknown-command");
inline const QString kPermission = QStringLiteral("permission");
inline const QString kTooLarge = QStringLiteral("too-large");
inline const QString kInternal = QStringLiteral("internal");
} // namespace errors

enum class Access { Read, Write };

// Who is on the other end of a connection (SO_PEERCRED, SO_PEERGROUPS).
struct PeerCredentials {
    uid_t uid = uid_t(-1);
    gid_t gid = gid_t(-1);
    pid_t pid = 0;
    QList<gid_t> groups; // supplementary groups of the peer process, when the kernel tells

    bool isRoot() const { return uid == 0; }
};

struct Request {
    QJsonValue id; // an integer as sent by the client
    QString command;
    QJsonObject args;
    PeerCredentials peer;
};

// "<root>/run/lifeline" and the socket in it; root "/" is the real system.
QString runDirectory(const QString& root);
QString socketPath(const QString& root);

// One response line (with its '\n').
QByteArray encodeResult(const QJsonValue& id, const QJsonObject& result);
QByteArray encodeError(const QJsonValue& id, const QString& code, const QString& message);
// One request line (with its '\n').
QByteArray encodeRequest(qint64 id, const QString& command, const QJsonObject& args);

} // namespace lifeline::control
