#pragma once

#include <QList>
#include <QMap>
#include <QString>

// Whether this server may run the cluster service under the licenses it holds, and how many
// CPU licenses the cluster lacks: the manual's three behaviours (digest-expresscluster.md
// §10.5) as a pure function. The daemon gathers the facts (its store, each license's
// signature checked; the CPUs of the servers it has heard) and words the alerts.
namespace lifeline::policy {

struct HeldLicense {
    QString product;        // "BASE10", "XSSS10", an option
    enum class Kind { Cpu, Vm, Node } kind = Kind::Cpu;
    int count = 0;          // CPUs of a CPU license
    bool trial = false;
    qint64 expiryMs = 0;    // a trial's end, ms since the epoch (UTC)
    bool signatureOk = true; // the key matches the fields (expiry aside)
};

struct ServerCpus {
    int cpus = 0;
    bool vm = false; // the server runs under a VM node license of its own: its CPUs do not count
};

struct LicenseSituation {
    int configuredServers = 1;            // servers in clp.conf
    QList<HeldLicense> licenses;          // this server's store
    QMap<QString, ServerCpus> otherServers; // the other servers heard so far
    int localCpus = 1;
    qint64 nowMs = 0;                      // wall clock, ms since the epoch (license ends are dates)
};

enum class LicenseVerdict {
    Licensed,      // may run
    NotRegistered, // "The license is not registered. (P)": the cluster does not start
    TrialExpired,  // "The license of trial expired by D. (P)": the cluster stops / does not start
};
QString licenseVerdictName(LicenseVerdict verdict); // "licensed", "not-registered", "trial-expired"

struct LicenseDecision {
    LicenseVerdict verdict = LicenseVerdict::NotRegistered;
    QString product;        // the base product the messages name
    qint64 expiredAtMs = 0; // TrialExpired: the latest end among the expired trials
    bool vm = false;        // licensed by a VM node license of this server
    int licensedCpus = 0;   // CPUs the CPU licenses in force cover
    int neededCpus = 0;     // CPUs of this server and the other servers heard, VM servers aside
    int shortfall = 0;      // neededCpus - licensedCpus when positive: "insufficient" (runs anyway)
    qint64 recheckAtMs = 0; // the next end of a trial in force (the decision changes then), or 0
};

// The base products that license a configuration: BASE10, and XSSS10 (SingleServerSafe) for
// a configuration of one server. The messages name XSSS10 for one server, BASE10 otherwise.
QStringList baseProductsFor(int configuredServers);

LicenseDecision decideLicense(const LicenseSituation& situation);

// An option (DBAG10, ISAG10, ...) is in force on this server with a node license of its own
// whose key matches and whose trial, if it is one, has not ended.
bool optionInForce(const QList<HeldLicense>& licenses, const QString& product, qint64 nowMs);

} // namespace lifeline::policy
