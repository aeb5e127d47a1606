#pragma once

#include "LicenseStore.h"
#include "LicenseVerifier.h"
#include "PeerCall.h"

#include <QObject>
#include <QString>

namespace lifeline::control {
class ControlServer;
}
namespace lifeline::rpc {
class RpcServer;
}

namespace lifeline::daemon {

class ClusterService;
class LicenseGate;

// Licenses in lifelined (README.md "Licenses"): the control commands `licenses` (this server's
// store, each license checked again) and `licenses.distribute` (clplcnsc --distribute: this
// server's valid CPU licenses to every other server of the configuration), and the RPC method
// `licenses.put` that receives them. The store (<state dir>/licenses.db) is clplcnsc's too: it
// is opened for each request, so what clplcnsc registered while lifelined ran is seen at once.
// The receiver checks every license with its own compiled public key and stores all or none.
//
// VM node licenses and node licenses belong to the server they are registered on (the manual
// registers them on each server), so they are not distributed.
class LicenseSync : public QObject {
    Q_OBJECT
public:
    static constexpr int kTimeoutMs = 3000;

    LicenseSync(ClusterService& service, LicenseGate& gate, control::ControlServer& control,
                rpc::RpcServer& rpcServer, PeerCall call, QObject* parent = nullptr);

private:
    void registerCommands(control::ControlServer& control);
    void registerMethods(rpc::RpcServer& rpcServer);
    // The licenses of `product` (empty: all) in the store; *error when it cannot be read.
    QList<licensing::LicenseStore::Entry> stored(const QString& product, QString* error) const;

    ClusterService& service_;
    LicenseGate& gate_;
    PeerCall call_;
    QString storePath_;
    licensing::LicenseVerifier verifier_;
};

} // namespace lifeline::daemon
