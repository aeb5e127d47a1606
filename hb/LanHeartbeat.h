#pragma once

#include "HeartbeatPath.h"

#include <QHostAddress>
#include <QMap>
#include <memory>

class QUdpSocket;

namespace lifeline::hb {

// lanhb: UDP datagrams on one LAN device. The socket is bound to this server's address of the
// path's device and the cluster heartbeat port (exclusively, so that a second process on the
// same address fails loudly instead of sharing the traffic); each datagram goes to every
// peer's address of the same device, unicast. Peers without that device are not on this path.
class LanHeartbeat : public HeartbeatPath {
    Q_OBJECT
public:
    static constexpr int kMaxDatagramBytes = 2048; // a heartbeat is at most 599 bytes
    static constexpr int kMaxReadsPerCall = 1024;  // a flood cannot hold the thread forever

    LanHeartbeat(const QString& name, const QHostAddress& localAddress, quint16 port,
                 const QMap<QString, QHostAddress>& peers, QObject* parent = nullptr);
    ~LanHeartbeat() override;

    // From the configuration: this server's and every peer's device `heartbeat.deviceId`
    // (type lan), port cluster.heartbeatPort.
    static std::unique_ptr<HeartbeatPath> create(const PathContext& context, QString* error);
    // The address of a lan device's info "a.b.c.d" or "a.b.c.d/len"; null when invalid.
    static QHostAddress deviceAddress(const QString& info);
    // "198.19.0.11:29002", "[fe80::1]:29002".
    static QString endpoint(const QHostAddress& address, quint16 port);
    // The addresses of a LAN path (lanhb, lankhb): this server's on the heartbeat's device and
    // every peer's on the same device id (a peer without a usable one is left out, with a
    // warning). False with a set-up error when this server's own is missing or invalid.
    struct Addresses {
        QHostAddress local;
        QMap<QString, QHostAddress> peers;
    };
    static bool lanAddresses(const PathContext& context, Addresses* out, QString* error);

    QString type() const override { return QStringLiteral("lanhb"); }
    QStringList peers() const override { return peers_.keys(); }
    QString localEndpoint() const override;
    QHostAddress localAddress() const { return localAddress_; }
    quint16 port() const { return port_; }
    QHostAddress peerAddress(const QString& peer) const { return peers_.value(peer); }

    bool open() override;
    void close() override;
    bool isOpen() const override { return socket_ != nullptr; }
    int send(const QByteArray& datagram) override;
    void readPending() override;

private:
    QString peerAt(const QHostAddress& address) const;

    QHostAddress localAddress_;
    quint16 port_;
    QMap<QString, QHostAddress> peers_;
    QUdpSocket* socket_ = nullptr;
};

} // namespace lifeline::hb
