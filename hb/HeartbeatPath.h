#pragma once

#include "ClusterConfig.h"

#include <QByteArray>
#include <QObject>
#include <QString>
#include <QStringList>

namespace lifeline::hb {

// What a driver needs to set up one configured heartbeat resource on the local server.
struct PathContext {
    const config::ClusterConfig& config;
    const config::Heartbeat& heartbeat;
    QString localServer;
};

// One configured heartbeat resource (lanhb1, diskhb1, ...) as a transport: it carries opaque
// datagrams between this server and the peers that share the resource's device. It knows
// nothing of the packet format; HeartbeatInbox checks what it delivers. Lives in the thread of
// its owner (the heartbeat thread) and never blocks.
class HeartbeatPath : public QObject {
    Q_OBJECT
public:
    HeartbeatPath(const QString& name, QObject* parent = nullptr);
    ~HeartbeatPath() override;

    QString name() const { return name_; }
    virtual QString type() const = 0;
    // The peers this path reaches (servers that have the resource's device), sorted.
    virtual QStringList peers() const = 0;
    // Where this end is, for messages and status ("127.0.0.1:29002").
    virtual QString localEndpoint() const = 0;

    // Opens the transport; on failure returns false and errorString() says why.
    virtual bool open() = 0;
    virtual void close() = 0;
    virtual bool isOpen() const = 0;
    QString errorString() const { return error_; }

    // Sends `datagram` to every peer; returns how many copies the transport accepted.
    virtual int send(const QByteArray& datagram) = 0;
    // Reads whatever has arrived and emits datagramReceived() for each; the owner calls it
    // before judging timeouts so that a busy event loop cannot make a live peer look silent.
    virtual void readPending() = 0;

signals:
    // `source` describes where it came from (an address); `peer` is the peer of this path the
    // source belongs to, or empty when it belongs to none.
    void datagramReceived(const QByteArray& datagram, const QString& source, const QString& peer);

protected:
    void setErrorString(const QString& error) { error_ = error; }

private:
    QString name_;
    QString error_;
};

} // namespace lifeline::hb
