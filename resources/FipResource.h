#pragma once

#include "AddressProbe.h"
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
//   2. ARP-probe it (AddressProbe, shared with vip; RFC 5227: sender IP
//      0.0.0.0) kProbeCount times, kProbeIntervalMs apart, then listen
//      kProbeWaitMs more; any ARP from another host with the address as sender
//      (a reply, an announcement) or probing for it fails activation:
//      "A.B.C.D is in use by xx:xx:..";
//   3. RTM_NEWADDR with the interface's prefix length;
//   4. gratuitous ARP: the first announcement at once, then kAnnounceCount-1
//      more kAnnounceIntervalMs apart (after `done`, which is reported with
//      the first announcement so that activation stays ~15 ms).
// Deactivation is RTM_DELADDR (an absent address is fine). Nothing blocks:
// the probe waits on a QSocketNotifier and QTimers; netlink calls are
// kernel round trips of microseconds. The probe's socket stays open for the
// announcements.
class FipResource : public ResourceDriver {
    Q_OBJECT
public:
    // The probe's timing (AddressProbe.h): a 12 ms window.
    static constexpr int kProbeCount = AddressProbe::kProbeCount;
    static constexpr int kProbeIntervalMs = AddressProbe::kProbeIntervalMs;
    static constexpr int kProbeWaitMs = AddressProbe::kProbeWaitMs;
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
    void onProbeResult(const AddressProbe::Result& result);
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
    AddressProbe* probe_ = nullptr;
    ArpSocket* arp_ = nullptr; // the probe's socket, for the announcements
    QTimer announceTimer_;
    int announcementsSent_ = 0;
    QElapsedTimer elapsed_;
};

} // namespace lifeline::resources
