// Golden test of the monitor recovery escalation: monitor/cases.json gives the
// settings and the counters, monitor/expected.json the step.
// LIFELINE_UPDATE_GOLDEN=1 rewrites the expected file.

#include "MonitorPolicy.h"

#include "GoldenWords.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>

using namespace lifeline::policy;

namespace {
const QString kDir = LIFELINE_SOURCE_DIR "/tests/golden/policy/monitor";
} // namespace

class TestMonitorPolicy : public QObject {
    Q_OBJECT
private slots:
    void golden() {
        QJsonObject actual;
        for (const auto& v : lifeline::testutil::readGoldenJson(kDir + "/cases.json")["cases"].toArray()) {
            const auto c = v.toObject();
            lifeline::config::Monitor m; // the product defaults unless the case sets them
            m.relationType = c["relation"].toString();
            m.restartThreshold = c["restart"].toInt(m.restartThreshold);
            m.failoverThreshold = c["fo"].toInt(m.failoverThreshold);
            m.timeoutNoRecovery = c["notrecovery"].toBool();
            MonitorError e;
            e.counters.reactivations = c["reactivations"].toInt();
            e.counters.failovers = c["failovers"].toInt();
            e.targetActiveHere = c["activeHere"].toBool(true);
            e.causedByTimeout = c["timeout"].toBool();
            actual.insert(c["name"].toString(), monitorStepName(afterMonitorError(m, e)));
        }
        lifeline::testutil::compareGoldenWords(actual, kDir + "/expected.json");
    }
};

QTEST_GUILESS_MAIN(TestMonitorPolicy)
#include "tst_monitor_policy.moc"
