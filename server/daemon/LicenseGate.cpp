#include "LicenseGate.h"

#include "AlertLog.h"
#include "ClusterService.h"

#include "LicenseStore.h"
#include "RpcServer.h"

#include <QDateTime>

#include <unistd.h>

#include <algorithm>

namespace lifeline::daemon {

using licensing::License;
using licensing::LicenseStore;
using policy::LicenseVerdict;

namespace {
const QString kModule = QStringLiteral("lcns");

policy::HeldLicense held(const License& license, bool signatureOk) {
    policy::HeldLicense h;
    h.product = license.product;
    h.kind = license.kind == License::Kind::Vm     ? policy::HeldLicense::Kind::Vm
             : license.kind == License::Kind::Node ? policy::HeldLicense::Kind::Node
                                                   : policy::HeldLicense::Kind::Cpu;
    h.count = license.count;
    h.trial = license.version == License::Version::Trial;
    h.expiryMs = h.trial ? license.expiry.toMSecsSinceEpoch() : 0;
    h.signatureOk = signatureOk;
    return h;
}
} // namespace

LicenseGate::LicenseGate(ClusterService& service, rpc::RpcServer& rpcServer, PeerCall call,
                         QObject* parent)
    : QObject(parent), service_(service), call_(std::move(call)),
      storePath_(LicenseStore::pathIn(service.paths().stateDir())) {
    recheck_.setSingleShot(true);
    connect(&recheck_, &QTimer::timeout, this, &LicenseGate::recheck);
    connect(&service_, &ClusterService::stateChanged, this, &LicenseGate::onStateChanged);
    connect(&service_, &ClusterService::peerUp, this, &LicenseGate::askCpus);
    service_.setStartCheck([this](QString* why) { return permitsStart(why); });
    service_.monitors().setOptionCheck([this](const QString& product) { return optionRefusal(product); });
    // {cpus, vm} of the caller -> ours: both learn the other's in one call.
    rpcServer.registerMethod(QStringLiteral("licenses.node"),
                             [this](const QJsonObject& params, const QString& peer,
                                    rpc::RpcServer::Responder r) {
                                 others_.insert(peer, {params.value("cpus").toInt(),
                                                       params.value("vm").toBool()});
                                 r.reply({{"cpus", onlineCpus()}, {"vm", localVm_}});
                                 countCpus();
                             });
}

int LicenseGate::onlineCpus() {
    return int(std::max(1L, ::sysconf(_SC_NPROCESSORS_ONLN)));
}

LicenseGate::Facts LicenseGate::facts() const {
    Facts f;
    auto& s = f.situation;
    s.configuredServers = int(service_.config().servers.size());
    s.localCpus = onlineCpus();
    s.nowMs = QDateTime::currentMSecsSinceEpoch();
    for (auto it = others_.begin(); it != others_.end(); ++it)
        if (service_.config().server(it.key())) // a server removed since does not count
            s.otherServers.insert(it.key(), it.value());
    LicenseStore store(storePath_);
    if (!store.open(&f.storeError))
        return f;
    for (const auto& e : store.list({}, &f.storeError))
        if (e.error.isEmpty())
            s.licenses << held(e.license, verifier_.check(e.license).status !=
                                              licensing::LicenseVerifier::Verdict::Status::Invalid);
    return f;
}

policy::LicenseDecision LicenseGate::decide() const {
    return policy::decideLicense(facts().situation);
}

QString LicenseGate::refusalMessage(const policy::LicenseDecision& d) const {
    if (d.verdict == LicenseVerdict::TrialExpired)
        return QStringLiteral("The license of trial expired by %1. (%2)")
            .arg(License::displayTime(QDateTime::fromMSecsSinceEpoch(d.expiredAtMs, Qt::UTC)), d.product);
    if (d.verdict == LicenseVerdict::NotRegistered)
        return QStringLiteral("The license is not registered. (%1)").arg(d.product);
    return {};
}

bool LicenseGate::permitsStart(QString* why) {
    const auto f = facts();
    const auto d = policy::decideLicense(f.situation);
    localVm_ = d.vm;
    if (d.verdict == LicenseVerdict::Licensed)
        return true;
    QString message = refusalMessage(d);
    if (!f.storeError.isEmpty())
        message += QStringLiteral(" (the license store cannot be read: %1)").arg(f.storeError);
    service_.alerts().error(kModule, d.verdict == LicenseVerdict::TrialExpired ? alert::LicenseTrialExpired
                                                                              : alert::LicenseNotRegistered,
                            message);
    if (why)
        *why = message;
    return false;
}

bool LicenseGate::autostart(QString* error) {
    QString why;
    if (!permitsStart(&why)) {
        heldBack_ = true; // started by reconsider() once a license is registered
        return true;
    }
    return service_.start(error);
}

void LicenseGate::reconsider() {
    if (heldBack_ && service_.state() == ClusterState::Stopped) {
        const auto d = decide();
        if (d.verdict != LicenseVerdict::Licensed)
            return; // refused already at boot: no alert for each change of the store
        heldBack_ = false;
        QString error;
        if (!service_.start(&error))
            service_.alerts().error(QStringLiteral("cluster"), alert::ClusterStartFailed,
                                    QStringLiteral("The cluster service cannot start: %1").arg(error));
        return;
    }
    if (service_.state() != ClusterState::Stopped) {
        armRecheck(decide());
        countCpus();
    }
}

QString LicenseGate::optionRefusal(const QString& product) const {
    const auto f = facts();
    if (policy::optionInForce(f.situation.licenses, product, f.situation.nowMs))
        return {};
    return QStringLiteral("The license is not registered. (%1)").arg(product);
}

void LicenseGate::onStateChanged(ClusterState state) {
    if (state == ClusterState::Stopped) {
        recheck_.stop();
        reportedShortfall_ = 0;
        return;
    }
    heldBack_ = false;
    if (state == ClusterState::Starting)
        armRecheck(decide());
    else
        countCpus(); // Online: the servers that are up have been heard
}

void LicenseGate::askCpus(const QString& peer) {
    asking_.insert(peer);
    call_(peer, QStringLiteral("licenses.node"), {{"cpus", onlineCpus()}, {"vm", localVm_}}, kTimeoutMs,
          [this, peer](bool ok, const QJsonObject& result, const QString&) {
              asking_.remove(peer);
              // Not ok: gone again (it asks us when it comes back).
              if (ok)
                  others_.insert(peer, {result.value("cpus").toInt(), result.value("vm").toBool()});
              countCpus();
          });
}

// The shortfall is said once the cluster service is Online and every server heard has told
// its CPUs: a count made while answers are on their way would name a wrong number.
void LicenseGate::countCpus() {
    const auto state = service_.state();
    if (asking_.isEmpty() && (state == ClusterState::Online || state == ClusterState::Suspended))
        reportShortfall(decide());
}

void LicenseGate::armRecheck(const policy::LicenseDecision& d) {
    recheck_.stop();
    if (d.recheckAtMs == 0)
        return;
    const qint64 wait = d.recheckAtMs - QDateTime::currentMSecsSinceEpoch();
    recheck_.start(int(std::clamp<qint64>(wait, 0, kRecheckMaxMs)));
}

// A trial in force may have ended (or the wall clock moved): stop when nothing is left in force.
void LicenseGate::recheck() {
    if (service_.state() == ClusterState::Stopped)
        return;
    const auto d = decide();
    localVm_ = d.vm;
    if (d.verdict == LicenseVerdict::Licensed) {
        armRecheck(d);
        countCpus(); // a trial of several may have ended
        return;
    }
    service_.alerts().error(kModule, d.verdict == LicenseVerdict::TrialExpired ? alert::LicenseTrialExpired
                                                                              : alert::LicenseNotRegistered,
                            refusalMessage(d));
    service_.stop();
}

void LicenseGate::reportShortfall(const policy::LicenseDecision& d) {
    if (d.verdict != LicenseVerdict::Licensed || d.shortfall == reportedShortfall_)
        return;
    if (d.shortfall > 0)
        service_.alerts().warning(kModule, alert::LicenseInsufficient,
                                  QStringLiteral("The license is insufficient. The number of insufficient is %1. (%2)")
                                      .arg(d.shortfall)
                                      .arg(d.product));
    else
        service_.alerts().info(kModule, alert::LicenseSufficient,
                               QStringLiteral("The licenses cover the CPUs of the cluster again (%1 of %2). (%3)")
                                   .arg(d.neededCpus)
                                   .arg(d.licensedCpus)
                                   .arg(d.product));
    reportedShortfall_ = d.shortfall;
}

QJsonObject LicenseGate::toJson() const {
    const auto f = facts();
    const auto d = policy::decideLicense(f.situation);
    QJsonObject cpus{{service_.localServer(), f.situation.localCpus}};
    for (auto it = f.situation.otherServers.begin(); it != f.situation.otherServers.end(); ++it)
        cpus.insert(it.key(), it.value().vm ? 0 : it.value().cpus);
    QJsonObject out{{"verdict", policy::licenseVerdictName(d.verdict)},
                    {"product", d.product},
                    {"vm", d.vm},
                    {"licensedCpus", d.licensedCpus},
                    {"neededCpus", d.neededCpus},
                    {"shortfall", d.shortfall},
                    {"cpus", cpus},
                    {"heldBack", heldBack_}};
    if (d.verdict != LicenseVerdict::Licensed)
        out.insert("message", refusalMessage(d));
    return out;
}

} // namespace lifeline::daemon
