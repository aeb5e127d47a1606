#pragma once

#include "AccessControl.h"
#include "ControlProtocol.h"
#include "Responder.h"

#include <QHash>
#include <QObject>
#include <QSet>
#include <functional>

class QLocalServer;

namespace lifeline::control {

class ControlConnection;

// The local control API of lifelined: a Unix socket at <root>/run/lifeline/control.sock
// speaking line-delimited JSON (PROTOCOL.md). Commands are registered with the
// access they need; the peer's credentials decide who may call them.
class ControlServer : public QObject {
    Q_OBJECT
public:
    using Handler = std::function<void(const Request&, Responder)>;

    explicit ControlServer(QObject* parent = nullptr);
    ~ControlServer() override;

    // Which group may read (default "lifeline"); set before listen().
    void setAccessControl(const AccessControl& access) { access_ = access; }
    const AccessControl& accessControl() const { return access_; }

    // Creates <root>/run/lifeline (0755), removes a stale socket, listens, and
    // makes the socket 0660 with the operators' group when that group exists.
    // Fails (with a reason) when another server is already listening there.
    bool listen(const QString& root, QString* error = nullptr);
    void close();
    bool isListening() const;
    QString socketPath() const { return socketPath_; }

    // A later registration of the same name replaces the earlier one.
    void registerCommand(const QString& name, Access access, Handler handler);
    bool hasCommand(const QString& name) const { return commands_.contains(name); }
    QStringList commands() const;

    int connectionCount() const { return int(connections_.size()); }

signals:
    void connectionCountChanged(int count);

private:
    struct Command {
        Access access;
        Handler handler;
    };

    void acceptConnections();
    void dispatch(ControlConnection* connection, const QByteArray& line);

    QLocalServer* server_;
    AccessControl access_;
    QString socketPath_;
    QHash<QString, Command> commands_;
    QSet<ControlConnection*> connections_;
};

} // namespace lifeline::control
