#pragma once

#include "ResourceDriver.h"

#include <QElapsedTimer>
#include <QTimer>

#include <cstdint>

namespace lifeline::resources {

class ArpSocket;

// Floating IP (type "fip", parameter "ip"): an IPv4 address that follows its
// group. Activation:
//   1. find the interface whose IPv4 subnet contains the address (rtnetlink
//      RTM_GETADDR; the longest prefix wins) -> fails if there is none;
//      an address already configured here is reported active as it is;
//   2. ARP-probe it (RFC 5227: sender IP 0.0.0.0) kProbeCount times,
//      kProbeIntervalMs apart, then listen kProbeWaitMs more; any ARP from
//      another host with the address as sender (a reply, an announcement) or
//      probing for it fails activation: "A.B.C.D is in use by xx:xx:..";
//   3. RTM_NEWADDR with the interface's prefix length;
//   4. gratuitous ARP: the first announcement at once, then kAnnounceCount-1
//      more kAnnounceIntervalMs apart (after `done`, which is reported with
//      the first announcement so that activation stays ~15 ms).
// Deactivation is RTM_DELADDR (an absent address is fine). Nothing blocks:
// the probe waits on a QSocketNotifier and QTimers; netlink calls are
// kernel round trips of microseconds.
class FipResource : public ResourceDriver {
    Q_OBJECT
public:
    // Probe window = (kProbeCount - 1) * kProbeIntervalMs + kProbeWaitMs = 12 ms:
    // a host on the LAN answers ARP in well under a millisecond; three probes
    // cover a lost frame. (RFC 5227's 1-2 s spacing is for hosts configuring
    // themselves, not for a failover that must be fast.)
    static constexpr int kProbeCount = 3;
    static constexpr int kProbeIntervalMs = 3;
    static constexpr int kProbeWaitMs = 6;
    // Gratuitous ARP announcements after adding the address.
    static constexpr int kAnnounceCount = 3;
    static constexpr int kAnnounceIntervalMs = 250;

    explicit FipResource(ResourceContext context, QObject* parent = nullptr);
    ~FipResource() override;

    void activate(ResourceEvent event, Done done) override;
    void deactivate(ResourceEvent event, Done done) override;
    ResourceState observe(QString* reason) const override;

private:
    enum class Phase { Idle, Probing, Announcing };

    bool parseAddress(QString* reason);
    void sendNextProbe();
    void onArp(int operation, const QByteArray& senderMac, uint32_t senderIp, uint32_t targetIp);
    void probeFinished();
    bool startAnnouncements(QString* reason);
    void sendNextAnnouncement();
    void stopAll();
    void finishActivation(bool ok, const QString& reason);

    QString text_;          // the "ip" parameter as configured
    uint32_t address_ = 0;  // host order
    int ifindex_ = 0;
    QString ifname_;
    int prefixLength_ = 0;

    Phase phase_ = Phase::Idle;
    Done pendingDone_;
    ArpSocket* arp_ = nullptr;
    QTimer probeTimer_;
    QTimer announceTimer_;
    int probesSent_ = 0;
    int announcementsSent_ = 0;
    QElapsedTimer elapsed_;
};

} // namespace lifeline::resources
