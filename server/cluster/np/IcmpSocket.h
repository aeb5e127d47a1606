#pragma once

#include <QHostAddress>
#include <QObject>
#include <QSocketNotifier>

#include <memory>

namespace lifeline::np {

// One ICMP echo socket for one address family. As root it is a raw socket; an
// unprivileged process gets the kernel's ICMP datagram socket where
// net.ipv4.ping_group_range allows it. Replies are matched by identifier and
// sequence number, so several sockets (several daemons) can share a host.
class IcmpSocket : public QObject {
    Q_OBJECT
public:
    explicit IcmpSocket(QAbstractSocket::NetworkLayerProtocol family, QObject* parent = nullptr);
    ~IcmpSocket() override;

    bool isOpen() const { return fd_ >= 0; }
    QString errorString() const { return error_; }

    // Sends one echo request; returns false (and sets errorString) on failure.
    bool sendEcho(const QHostAddress& target, quint16 sequence);

signals:
    void echoReply(const QHostAddress& from, quint16 sequence);

private:
    void readReplies();

    QAbstractSocket::NetworkLayerProtocol family_;
    int fd_ = -1;
    bool raw_ = false; // raw sockets see the IP header (IPv4) and every ICMP packet
    quint16 identifier_ = 0;
    QString error_;
    std::unique_ptr<QSocketNotifier> notifier_;
};

} // namespace lifeline::np
