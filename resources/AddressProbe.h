#pragma once

#include <QByteArray>
#include <QObject>
#include <QString>
#include <QTimer>

#include <cstdint>
#include <functional>

namespace lifeline::resources {

class ArpSocket;

// Is an IPv4 address already used by another host on a link? RFC 5227 address
// probing, shared by fip and vip: an ArpSocket on the interface sends
// kProbeCount ARP probes (sender IP 0.0.0.0, target = the address),
// kProbeIntervalMs apart, then listens kProbeWaitMs more. Any ARP from another
// host with the address as sender (a reply, an announcement), or another host
// probing for it, means "in use". Nothing blocks: the first probe goes out in
// start(), the rest on a QTimer; answers arrive through the socket's
// QSocketNotifier. The result is reported once, through the callback, always
// from the event loop (never from inside start()).
class AddressProbe : public QObject {
    Q_OBJECT
public:
    // Probe window = (kProbeCount - 1) * kProbeIntervalMs + kProbeWaitMs = 12 ms:
    // a host on the LAN answers ARP in well under a millisecond; three probes
    // cover a lost frame. (RFC 5227's 1-2 s spacing is for hosts configuring
    // themselves, not for a failover that must be fast.)
    static constexpr int kProbeCount = 3;
    static constexpr int kProbeIntervalMs = 3;
    static constexpr int kProbeWaitMs = 6;

    enum class Outcome { Free, InUse, Failed };
    struct Result {
        Outcome outcome = Outcome::Failed;
        // InUse: "A.B.C.D is in use by xx:xx:.. (ARP reply on eth0)"; Failed: why
        // the probe could not go on; Free: empty.
        QString reason;
        QByteArray mac; // InUse: the other host's MAC (6 bytes)
    };
    using Callback = std::function<void(const Result&)>;

    explicit AddressProbe(QObject* parent = nullptr);
    ~AddressProbe() override; // cancels: the callback is not called

    // Opens an ARP socket on `ifindex` and sends the first probe. False (and
    // *error: "A.B.C.D on eth0: ..." or "ARP probe for A.B.C.D on eth0: ...")
    // when the socket cannot be opened or the first probe cannot be sent;
    // nothing runs then and `callback` is never called. `text` and `ifname`
    // are the address and the interface as they appear in the reasons.
    // The callback may delete the probe only with deleteLater().
    bool start(uint32_t address, const QString& text, int ifindex, const QString& ifname, Callback callback,
               QString* error);
    // Stops probing and closes the socket; no callback.
    void cancel();
    bool isRunning() const { return bool(callback_); }
    // After a Free result: the still open ARP socket (for the caller's
    // gratuitous ARP announcements), reparented to `parent`; nullptr otherwise.
    ArpSocket* takeSocket(QObject* parent);

private:
    void sendNextProbe();
    void onArp(int operation, const QByteArray& senderMac, uint32_t senderIp, uint32_t targetIp);
    void finish(Outcome outcome, const QString& reason, const QByteArray& mac = {});
    void closeSocket();

    uint32_t address_ = 0; // host order
    QString text_;
    QString ifname_;
    ArpSocket* arp_ = nullptr;
    QTimer timer_;
    int probesSent_ = 0;
    Callback callback_;
};

} // namespace lifeline::resources
