// Golden test of the license decision: license/cases.json gives the licenses held and the
// servers heard, license/expected.json the verdict in one line per case.
// LIFELINE_UPDATE_GOLDEN=1 rewrites the expected file (review the diff).

#include "LicensePolicy.h"

#include "GoldenWords.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QTest>

using namespace lifeline::policy;

namespace {

const QString kDir = LIFELINE_SOURCE_DIR "/tests/golden/policy/license";
constexpr qint64 kNow = 1000000000000;

QList<HeldLicense> licensesOf(const QJsonObject& c) {
    QList<HeldLicense> out;
    for (const auto& v : c["licenses"].toArray()) {
        const auto o = v.toObject();
        HeldLicense l;
        l.product = o["product"].toString();
        const QString kind = o["kind"].toString();
        l.kind = kind == "vm" ? HeldLicense::Kind::Vm
                 : kind == "node" ? HeldLicense::Kind::Node
                                  : HeldLicense::Kind::Cpu;
        l.count = o["count"].toInt();
        l.trial = o["trial"].toBool();
        l.expiryMs = l.trial ? kNow + o["end"].toInteger() : 0;
        l.signatureOk = !o["bad"].toBool();
        out << l;
    }
    return out;
}

QString relative(qint64 ms) { return ms == 0 ? QStringLiteral("-") : QString::number(ms - kNow); }

} // namespace

class TestLicensePolicy : public QObject {
    Q_OBJECT
private slots:
    void golden() {
        const auto doc = lifeline::testutil::readGoldenJson(kDir + "/cases.json");
        QJsonObject actual;
        for (const auto& v : doc["cases"].toArray()) {
            const auto c = v.toObject();
            LicenseSituation s;
            s.configuredServers = c["servers"].toInt();
            s.localCpus = c["cpus"].toInt();
            s.nowMs = kNow;
            s.licenses = licensesOf(c);
            const auto others = c["others"].toObject();
            for (auto it = others.begin(); it != others.end(); ++it) {
                const auto o = it.value().toObject();
                s.otherServers.insert(it.key(), {o["cpus"].toInt(), o["vm"].toBool()});
            }
            const auto d = decideLicense(s);
            actual.insert(c["name"].toString(),
                          QStringLiteral("%1 %2 vm=%3 cpus=%4/%5 shortfall=%6 expired=%7 recheck=%8")
                              .arg(licenseVerdictName(d.verdict), d.product)
                              .arg(d.vm ? "yes" : "no")
                              .arg(d.licensedCpus)
                              .arg(d.neededCpus)
                              .arg(d.shortfall)
                              .arg(relative(d.expiredAtMs), relative(d.recheckAtMs)));
        }
        for (const auto& v : doc["options"].toArray()) {
            const auto c = v.toObject();
            const bool inForce = optionInForce(licensesOf(c), c["product"].toString(), kNow);
            actual.insert(c["name"].toString(), inForce ? "in-force" : "missing");
        }
        lifeline::testutil::compareGoldenWords(actual, kDir + "/expected.json");
    }
};

QTEST_GUILESS_MAIN(TestLicensePolicy)
#include "tst_license_policy.moc"
