#pragma once

#include "AddressProbe.h"
#include "ResourceDriver.h"

#include <QList>
#include <QPointer>

#include <cstdint>

namespace lifeline::resources {

class RipAdvertiser;

// Virtual IP (type "vip"): an address for clients on other subnets, reached
// through routers that learn it by RIPv2. Parameters: "ip"; "ifname", the
// interface(s) (comma or space separated; required at activation): the address
// goes on the first, RIP goes out on all; "interval" (s) between
// advertisements; "metric" of the advertised route.
// Activation refuses an address that is already in use, as fip does: one
// configured on any interface of this server fails at once ("A.B.C.D is in
// use: already configured on eth0 of this server"), then AddressProbe
// ARP-probes it on every interface at the same time (RFC 5227, 12 ms) and any
// answer fails activation ("A.B.C.D is in use by xx:xx:.. (ARP reply on
// eth0)"). Then RTM_NEWADDR ip/32 on the first interface, and RipAdvertiser
// sends the host route at once and every interval. A failure to advertise
// removes the address again. Deactivation: the withdrawal (metric 16, a few
// times; ~200 ms), then RTM_DELADDR of ip/32 from every interface that has it.
// observe() is Online while an interface carries ip/32. The address with
// another prefix is an address of this server, not the vip: Offline (so the
// group is activated here, and refused) and never removed.
class VipResource : public ResourceDriver {
    Q_OBJECT
public:
    explicit VipResource(ResourceContext context, QObject* parent = nullptr);
    ~VipResource() override;

    void activate(ResourceEvent event, Done done) override;
    void deactivate(ResourceEvent event, Done done) override;
    ResourceState observe(QString* reason) const override;

private:
    struct Settings {
        uint32_t address = 0;
        QStringList ifnames;
        int intervalMs = 30000;
        uint32_t metric = 1;
    };
    bool parseSettings(Settings* settings, QString* reason) const;
    void onProbeResult(AddressProbe* probe, const AddressProbe::Result& result);
    void probesFinished();
    void stopProbes();
    void finishActivation(bool ok, const QString& reason);

    QString text_; // the "ip" parameter as configured
    QPointer<RipAdvertiser> advertiser_;
    // While the address is being probed (one probe per interface):
    Settings pending_;
    int pendingIfindex_ = 0; // of the first interface, which gets the address
    QList<AddressProbe*> probes_; // still running
    Done pendingDone_;
};

} // namespace lifeline::resources
