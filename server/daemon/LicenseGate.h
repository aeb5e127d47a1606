#pragma once

#include "ClusterState.h"
#include "PeerCall.h"

#include "LicensePolicy.h"
#include "LicenseVerifier.h"

#include <QJsonObject>
#include <QMap>
#include <QObject>
#include <QSet>
#include <QTimer>

namespace lifeline::rpc {
class RpcServer;
}

namespace lifeline::daemon {

class ClusterService;

// The license gate of this server (README.md "Licenses"): the cluster service starts only under
// a base license in force (policy::decideLicense), an ended trial stops it, too few CPU licenses
// only warn, and options are asked for where their features start (MonitorRunner).
//
// Every start of the cluster service passes here (ClusterService::setStartCheck): a refusal is
// an alert and the caller's error. lifelined's own start at boot (autostart) that is refused is
// held back, not given up: lifelined keeps running so that a license can be registered here or
// distributed to it, and the cluster service starts as soon as one is (reconsider()).
//
// The CPU count: each server tells the others its CPUs and whether a VM node license of its own
// covers it (RPC licenses.node) when they meet; a server under CPU licenses compares the CPUs of
// every server it has heard with the licenses it holds.
class LicenseGate : public QObject {
    Q_OBJECT
public:
    static constexpr int kTimeoutMs = 3000;
    // A trial's end is a calendar time: the wait for it is cut into pieces of at most this, so
    // that a change of the wall clock is noticed within it.
    static constexpr int kRecheckMaxMs = 60000;

    LicenseGate(ClusterService& service, rpc::RpcServer& rpcServer, PeerCall call,
                QObject* parent = nullptr);

    // Whether the cluster service may start now; when not, the alert is raised and *why says it.
    bool permitsStart(QString* why);
    // lifelined's start at boot: false only when the start failed for another reason.
    bool autostart(QString* error);
    // The license store changed (clplcnsc, a distribution from another server).
    void reconsider();
    // "" when the option `product` is in force on this server, else why not (the alert text).
    QString optionRefusal(const QString& product) const;
    // {verdict, product, vm, licensedCpus, neededCpus, shortfall, cpus: {server: n}, heldBack,
    //  message?} for `licenses` and clpstat --lic.
    QJsonObject toJson() const;

    static int onlineCpus();

private:
    struct Facts {
        policy::LicenseSituation situation;
        QString storeError;
    };
    Facts facts() const;
    policy::LicenseDecision decide() const;
    QString refusalMessage(const policy::LicenseDecision& decision) const;
    void onStateChanged(ClusterState state);
    void askCpus(const QString& peer);
    void countCpus();
    void armRecheck(const policy::LicenseDecision& decision);
    void recheck();
    void reportShortfall(const policy::LicenseDecision& decision);

    ClusterService& service_;
    PeerCall call_;
    QString storePath_;
    licensing::LicenseVerifier verifier_;
    QMap<QString, policy::ServerCpus> others_;
    QSet<QString> asking_; // servers asked for their CPUs that have not answered yet
    bool heldBack_ = false;
    bool localVm_ = false; // as last decided: told to the other servers
    int reportedShortfall_ = 0;
    QTimer recheck_;
};

} // namespace lifeline::daemon
