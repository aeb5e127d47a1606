#pragma once

#include "ResourceDriver.h"

#include <QPointer>

#include <cstdint>

namespace lifeline::resources {

class RipAdvertiser;

// Virtual IP (type "vip"): an address for clients on other subnets, reached
// through routers that learn it by RIPv2. Parameters: "ip"; "ifname", the
// interface(s) (comma or space separated; required at activation): the address
// goes on the first, RIP goes out on all; "interval" (s) between
// advertisements; "metric" of the advertised route.
// Activation: RTM_NEWADDR ip/32 on the first interface (an address already
// configured here is left as it is), then RipAdvertiser sends the host route
// at once and every interval. A failure to advertise removes the address
// again. Deactivation: the withdrawal (metric 16, a few times; ~200 ms), then
// RTM_DELADDR from every interface that has it. observe() is Online while an
// interface carries the address.
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

    QString text_; // the "ip" parameter as configured
    QPointer<RipAdvertiser> advertiser_;
};

} // namespace lifeline::resources
