#pragma once

#include <QByteArray>
#include <QList>
#include <QObject>
#include <QStringList>
#include <QTimer>

#include <cstdint>
#include <functional>

namespace lifeline::resources {

// Advertises one host route with RIPv2 (RFC 2453) so that routers learn that
// the address is reached through this server: unsolicited Response packets,
// UDP from port 520 to 224.0.0.9:520 with TTL 1, on each interface, at once
// and then every interval. Each interface has its own socket bound to the
// interface (SO_BINDTODEVICE) and to the interface's own address, because
// routers accept RIP only from a neighbour on a connected subnet, never from
// the advertised address itself. No authentication. Sending never blocks
// (a UDP datagram either goes to the queue or fails at once).
class RipAdvertiser : public QObject {
    Q_OBJECT
public:
    static constexpr uint16_t kPort = 520;
    static constexpr uint32_t kGroup = 0xe0000009; // 224.0.0.9, RIPv2 routers
    static constexpr uint32_t kInfinity = 16;      // metric of a withdrawn route
    // Withdrawal: kWithdrawCount Responses with metric 16, kWithdrawIntervalMs
    // apart, so that one lost datagram does not leave the route for the
    // router's timeout (180 s by default).
    static constexpr int kWithdrawCount = 3;
    static constexpr int kWithdrawIntervalMs = 100;

    struct Entry {
        uint32_t address = 0;          // host order
        uint32_t mask = 0xffffffffu;
        uint32_t nextHop = 0;          // 0.0.0.0: through the sender
        uint32_t metric = 1;
        uint16_t routeTag = 0;
    };
    // A RIPv2 Response: command 2, version 2, two zero bytes, then 20 bytes per
    // entry (AFI 2, route tag, address, mask, next hop, metric; network order).
    static QByteArray encodeResponse(const QList<Entry>& entries);

    RipAdvertiser(uint32_t address, uint32_t metric, QObject* parent = nullptr);
    ~RipAdvertiser() override;

    // Opens one socket per interface; false (and *error, nothing left open) if
    // an interface is missing or has no address of its own.
    bool open(const QStringList& ifnames, QString* error);
    // Sends the first advertisement and starts the timer; false (and *error,
    // sockets closed) if the first send fails.
    bool start(int intervalMs, QString* error);
    // Stops advertising and sends the withdrawal on the open sockets; `done`
    // follows the last one and the sockets are closed.
    void withdraw(std::function<void()> done);
    bool isWithdrawing() const { return bool(withdrawDone_); }

private:
    struct Link {
        QString ifname;
        int fd = -1;
    };
    bool openLink(const QString& ifname, uint32_t source, Link* link, QString* error);
    bool sendAll(uint32_t metric, QString* error);
    void advertise();
    void sendWithdrawal();
    void closeAll();

    uint32_t address_;
    uint32_t metric_;
    QList<Link> links_;
    QTimer timer_;          // periodic advertisements
    QTimer withdrawTimer_;  // spacing of the withdrawal Responses
    int withdrawalsSent_ = 0;
    std::function<void()> withdrawDone_;
};

} // namespace lifeline::resources
