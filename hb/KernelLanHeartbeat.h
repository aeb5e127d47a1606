#pragma once

#include "HeartbeatPath.h"

#include <QHostAddress>
#include <QMap>
#include <chrono>
#include <map>
#include <memory>
#include <optional>

class QSocketNotifier;
class QTimer;

namespace lifeline::hb {

// lankhb: one TCP connection per peer on the path's LAN device, whose liveness the KERNELS
// prove. The usual heartbeat datagrams travel on it, length-prefixed, so while lifelined runs
// the path works exactly like lanhb (same packets, same checks). What lanhb cannot do: the
// connection has aggressive keepalive and TCP_USER_TIMEOUT, and readPending() reads TCP_INFO
// of each connection and emits kernelAlive(peer, source, age of the last ACK): the peer's
// kernel ACKs our heartbeats and keepalive probes even while its lifelined is stopped, so the
// owner (HeartbeatManager) can keep the peer alive on this path while userw decides its fate.
// README.md (lankhb) has the design, the frame format and what this proves and does not.
//
// Who connects: the server that comes first in the priority order dials (from its own address
// of the device, so the other end can tell who it is), the other accepts; a new connection
// from a peer replaces its old one. All sockets are non-blocking and live on the owner's thread.
class KernelLanHeartbeat : public HeartbeatPath {
    Q_OBJECT
public:
    using Clock = std::chrono::steady_clock;
    static constexpr int kHeaderBytes = 2;                 // big-endian payload length
    static constexpr int kMaxDatagramBytes = 2048;         // a heartbeat is at most 599 bytes
    static constexpr int kMaxReadBytesPerCall = 64 * 1024; // a flood cannot hold the thread
    static constexpr int kMaxAcceptsPerCall = 64;

    struct Peer {
        QHostAddress address;
        bool dial = false; // this end connects to it (else it connects to us)
    };
    struct Timing {
        std::chrono::milliseconds interval{1000};
        std::chrono::milliseconds timeout{30000};
    };
    // How much is written to a peer whose process has not answered (a frozen peer's kernel
    // buffers what we send until its receive window closes; then TCP would stop ACKing
    // keepalives and abort at TCP_USER_TIMEOUT, so we must never get there).
    struct Limits {
        qint64 heartbeatBudget = 32 * 1024; // heartbeats, counted since the peer last sent a frame
        qint64 probeBudget = 64 * 1024;     // then empty frames (2 bytes) up to this total
        int maxQueuedBytes = 4096;          // nothing more while the kernel holds this much unACKed
    };
    struct Counters {
        quint64 connectAttempts = 0;
        quint64 connectFailures = 0;
        quint64 accepted = 0; // incoming connections attributed to a peer
        quint64 refused = 0;  // incoming connections from an address of no peer (closed)
        quint64 ended = 0;    // connections that ended (closed by the peer, reset, timed out)
        quint64 framesSent = 0;
        quint64 probesSent = 0;
        quint64 framesDropped = 0; // not written: queue full, unfinished frame, budget spent
        quint64 framesReceived = 0;
        quint64 protocolErrors = 0; // a frame too long: the connection is closed
    };
    // One peer's connection as the kernel sees it (tests and status).
    struct Link {
        bool connected = false; // established (not connecting)
        bool outgoing = false;
        QString source;   // what datagramReceived/kernelAlive name it by
        int tcpState = 0; // TCP_INFO tcpi_state (1 = ESTABLISHED)
        std::optional<qint64> lastAckAgeMs;
        qint64 unansweredBytes = 0; // written since the peer's last frame
    };

    KernelLanHeartbeat(const QString& name, const QHostAddress& localAddress, quint16 port,
                       const QMap<QString, Peer>& peers, const Timing& timing, const Limits& limits,
                       QObject* parent = nullptr);
    // With the default Limits.
    KernelLanHeartbeat(const QString& name, const QHostAddress& localAddress, quint16 port,
                       const QMap<QString, Peer>& peers, const Timing& timing,
                       QObject* parent = nullptr);
    ~KernelLanHeartbeat() override;

    // From the configuration: this server's and every peer's device `heartbeat.deviceId`
    // (type lan), port cluster.kernelHeartbeatPort, the cluster heartbeat interval and timeout.
    static std::unique_ptr<HeartbeatPath> create(const PathContext& context, QString* error);

    QString type() const override { return QStringLiteral("lankhb"); }
    QStringList peers() const override;
    QString localEndpoint() const override;
    QHostAddress localAddress() const { return localAddress_; }
    quint16 port() const { return port_; }
    bool dials(const QString& peer) const;
    const Timing& timing() const { return timing_; }
    // Keepalive idle and interval (whole seconds, at least 1) and probe count for `timing`.
    static int keepaliveSeconds(const Timing& timing);
    static int keepaliveCount(const Timing& timing);

    bool open() override;
    void close() override;
    bool isOpen() const override { return listenFd_ >= 0; }
    int send(const QByteArray& datagram) override;
    void readPending() override;

    Link link(const QString& peer) const;
    Counters counters() const { return counters_; }

private:
    struct Connection;
    struct PeerState {
        Peer spec;
        std::unique_ptr<Connection> connection;
        QString lastDialError; // logged once per distinct error
    };

    void maintain();
    void dial(const QString& peer, PeerState& state);
    void acceptPending();
    void adopt(const QString& peer, int fd, bool outgoing, bool connecting, const QString& remote);
    void finishConnect(const QString& peer);
    void readConnection(const QString& peer);
    void flush(const QString& peer);
    void onWritable(const QString& peer, quint64 serial);
    void onReadable(const QString& peer, quint64 serial);
    bool write(Connection& connection, const QByteArray& frame);
    void endConnection(const QString& peer, const QString& why);
    void setOptions(int fd) const;
    QString peerAt(const QHostAddress& address) const;
    Connection* connectionOf(const QString& peer, quint64 serial) const;

    QHostAddress localAddress_;
    quint16 port_;
    Timing timing_;
    Limits limits_;
    std::map<QString, PeerState> peers_; // sorted by name; move-only values
    int listenFd_ = -1;
    QSocketNotifier* listenNotifier_ = nullptr;
    QTimer* maintenanceTimer_ = nullptr;
    quint64 nextSerial_ = 1;
    Counters counters_;
    QStringList refusedLogged_;
};

} // namespace lifeline::hb
