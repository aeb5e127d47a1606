// Golden test of the recovery escalation after a resource failed:
// recovery/cases.json gives the settings and the failure, recovery/expected.json
// the step. LIFELINE_UPDATE_GOLDEN=1 rewrites the expected file.

#include "RecoveryPolicy.h"

#include "GoldenWords.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>

using namespace lifeline::policy;

namespace {
const QString kDir = LIFELINE_SOURCE_DIR "/tests/golden/policy/recovery";
} // namespace

class TestRecoveryPolicy : public QObject {
    Q_OBJECT
private slots:
    void golden() {
        QJsonObject actual;
        for (const auto& v : lifeline::testutil::readGoldenJson(kDir + "/cases.json")["cases"].toArray()) {
            const auto c = v.toObject();
            lifeline::config::Resource r; // the product defaults unless the case sets them
            r.actRetry = c["actRetry"].toInt(r.actRetry);
            r.actFailoverThreshold = c["fo"].toInt(r.actFailoverThreshold);
            r.deactRetry = c["deactRetry"].toInt(r.deactRetry);
            const int attempts = c["attempts"].toInt();
            const auto step = c["kind"].toString() == QLatin1String("activate")
                                  ? afterActivationFailure(r, attempts, c["serversFailed"].toInt())
                                  : afterDeactivationFailure(r, attempts);
            actual.insert(c["name"].toString(), recoveryStepName(step));
        }
        lifeline::testutil::compareGoldenWords(actual, kDir + "/expected.json");
    }
};

QTEST_GUILESS_MAIN(TestRecoveryPolicy)
#include "tst_recovery_policy.moc"
