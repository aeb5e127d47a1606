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

    // "heartbeat "NAME" on server "SERVER": WHAT": the form of every set-up error.
    QString setupError(const QString& what) const;
    // This server's device of the heartbeat, which must be of `type` (lan, disk, com);
    // nullptr with the reason in `why` otherwise.
    const config::Device* localDevice(const QString& type, QString* why) const;
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
    // The open transport stopped working (an I/O error, a lost device): `message` names the
    // device and the reason. Emitted once when the failure starts (the driver keeps retrying by
    // itself and delivers nothing meanwhile), and transportRecovered() once when it works again.
    // The owner reports the failure (HeartbeatManager: pathError); the peers on this path then
    // time out as for any silent path.
    void transportFailed(const QString& message);
    void transportRecovered();
    // The kernel of `peer` answered on the connection `source` (the same string as the
    // datagrams that came by it) `ackAgeMs` ago, whether or not its process runs (lankhb: the
    // last TCP ACK). Emitted from readPending() after the datagrams. Proof of life only for a
    // source that carried an accepted packet of the peer's current incarnation (the owner
    // checks that: anybody can open a connection).
    void kernelAlive(const QString& peer, const QString& source, qint64 ackAgeMs);

protected:
    void setErrorString(const QString& error) { error_ = error; }

private:
    QString name_;
    QString error_;
};

} // namespace lifeline::hb
