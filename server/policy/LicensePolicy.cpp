#include "LicensePolicy.h"

#include <algorithm>

namespace lifeline::policy {

QString licenseVerdictName(LicenseVerdict verdict) {
    switch (verdict) {
    case LicenseVerdict::Licensed: return QStringLiteral("licensed");
    case LicenseVerdict::NotRegistered: return QStringLiteral("not-registered");
    case LicenseVerdict::TrialExpired: return QStringLiteral("trial-expired");
    }
    return {};
}

QStringList baseProductsFor(int configuredServers) {
    if (configuredServers <= 1)
        return {QStringLiteral("XSSS10"), QStringLiteral("BASE10")};
    return {QStringLiteral("BASE10")};
}

LicenseDecision decideLicense(const LicenseSituation& s) {
    LicenseDecision d;
    const QStringList products = baseProductsFor(s.configuredServers);
    d.product = products.first();

    // In force: a base product of this configuration, its key matching, a trial not ended.
    bool anyInForce = false;
    for (const auto& l : s.licenses) {
        if (!products.contains(l.product) || !l.signatureOk || l.kind == HeldLicense::Kind::Node)
            continue;
        if (l.trial && l.expiryMs <= s.nowMs) {
            d.expiredAtMs = std::max(d.expiredAtMs, l.expiryMs);
            continue;
        }
        if (!anyInForce)
            d.product = l.product; // the messages name the product in force
        anyInForce = true;
        if (l.kind == HeldLicense::Kind::Vm)
            d.vm = true;
        else
            d.licensedCpus += l.count;
        if (l.trial)
            d.recheckAtMs = d.recheckAtMs == 0 ? l.expiryMs : std::min(d.recheckAtMs, l.expiryMs);
    }
    if (!anyInForce) {
        d.verdict = d.expiredAtMs > 0 ? LicenseVerdict::TrialExpired : LicenseVerdict::NotRegistered;
        d.licensedCpus = 0;
        return d;
    }
    d.expiredAtMs = 0;
    d.verdict = LicenseVerdict::Licensed;
    // A server under a VM node license answers for itself alone; one under CPU licenses
    // counts the CPUs of every server that is not a VM server.
    if (d.vm)
        return d;
    d.neededCpus = s.localCpus;
    for (const auto& other : s.otherServers)
        if (!other.vm)
            d.neededCpus += other.cpus;
    d.shortfall = std::max(0, d.neededCpus - d.licensedCpus);
    return d;
}

bool optionInForce(const QList<HeldLicense>& licenses, const QString& product, qint64 nowMs) {
    return std::any_of(licenses.begin(), licenses.end(), [&](const HeldLicense& l) {
        return l.product == product && l.kind == HeldLicense::Kind::Node && l.signatureOk &&
               (!l.trial || l.expiryMs > nowMs);
    });
}

} // namespace lifeline::policy
