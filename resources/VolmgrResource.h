#pragma once

#include "CommandRunner.h"
#include "ResourceDriver.h"

#include <memory>

namespace lifeline::resources {

// Volume manager (type "volmgr"): LVM volume groups ("devname", one or more,
// comma or space separated), made exclusive with LVM's system ID
// (lvmsystemid(7)): a VG whose system ID is another host's is "foreign" there,
// so LVM itself refuses to activate it, even at boot or by hand. The system ID
// of a server is its Lifeline server name; every command carries it through
// --config, so the driver does not depend on lvm.conf.
// Activation, per VG in order:
//   1. vgs --foreign -o vg_systemid VG            -> owner
//   2. owner empty or another server of this cluster (the engine activates a
//      group on one server only, so that server has stopped or failed):
//        vgchange -y --systemid <local> VG  (with the old owner in
//        local/extra_system_ids, as lvmsystemid(7) says for a dead host);
//      owner a host outside the cluster: refused;
//   3. vgchange -ay VG.
// Deactivation, per VG in reverse order: vgchange -an VG. The VG keeps this
// server as owner: a VG without system ID would be auto-activated by every
// host that sees it at boot. The next server takes it over as in step 2.
// type "vxvm" is refused. observe() reports the last result (no command runs
// there); the volmgrw monitor checks LVM itself.
class VolmgrResource : public ResourceDriver {
    Q_OBJECT
public:
    explicit VolmgrResource(ResourceContext context, QObject* parent = nullptr);
    VolmgrResource(ResourceContext context, std::unique_ptr<CommandRunner> runner, QObject* parent = nullptr);
    ~VolmgrResource() override;

    void activate(ResourceEvent event, Done done) override;
    void deactivate(ResourceEvent event, Done done) override;
    ResourceState observe(QString* reason) const override;

    // --config argument giving LVM this server's system ID (and `formerOwner`
    // as an extra one, to take a VG over).
    static QString lvmConfig(const QString& localServer, const QString& formerOwner = {});

private:
    bool checkSettings(QString* reason);
    QStringList lvm(const QString& command, const QStringList& args, const QString& formerOwner = {}) const;
    void activateFrom(int index);
    void enable(int index);
    void deactivateFrom(int index);
    void finish(bool ok, const QString& reason);

    std::unique_ptr<CommandRunner> runner_;
    QStringList vgs_;
    bool activating_ = false;
    bool deactivating_ = false;
    Done done_;
    Done pendingDeactivation_; // deactivate() during an activation: after the current VG
    ResourceState state_ = ResourceState::Offline;
    QString stateReason_;
};

} // namespace lifeline::resources
