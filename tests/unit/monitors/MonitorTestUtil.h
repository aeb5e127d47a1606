#pragma once

// What the monitor driver tests share: running one check to its report.

#include "MonitorDriver.h"

#include <QCoreApplication>
#include <QDeadlineTimer>
#include <QTest>

#include <memory>

namespace testutil {

struct CheckOutcome {
    bool finished = false;
    bool reportedInsideCheck = false; // the interface forbids it
    int reports = 0;
    lifeline::monitors::CheckResult result = lifeline::monitors::CheckResult::Warning;
    QString detail;
};

// Starts one check and runs the event loop until it reports or `timeoutMs` pass.
inline CheckOutcome runCheck(lifeline::monitors::MonitorDriver& driver, int timeoutMs = 5000) {
    auto outcome = std::make_shared<CheckOutcome>();
    driver.check([outcome](lifeline::monitors::CheckResult result, const QString& detail) {
        outcome->finished = true;
        ++outcome->reports;
        outcome->result = result;
        outcome->detail = detail;
    });
    outcome->reportedInsideCheck = outcome->finished;
    QDeadlineTimer deadline(timeoutMs);
    while (!outcome->finished && !deadline.hasExpired())
        QCoreApplication::processEvents(QEventLoop::WaitForMoreEvents, 10);
    return *outcome;
}

inline lifeline::monitors::MonitorContext monitorContext(const QString& type, const QString& name) {
    lifeline::monitors::MonitorContext context;
    context.localServer = QStringLiteral("server1");
    context.monitor.type = type;
    context.monitor.name = name;
    return context;
}

} // namespace testutil

namespace QTest {
template <>
inline char* toString(const lifeline::monitors::CheckResult& result) {
    return qstrdup(qPrintable(lifeline::monitors::checkResultName(result)));
}
} // namespace QTest

// QCOMPARE of the result with the detail in the failure message.
#define COMPARE_RESULT(outcome, expected)                                                         \
    do {                                                                                          \
        QVERIFY2((outcome).finished, "the check did not report");                                 \
        QVERIFY2(!(outcome).reportedInsideCheck, "done was called inside check()");              \
        QVERIFY2((outcome).result == (expected),                                                  \
                 qPrintable(QStringLiteral("%1 instead of %2: %3")                                \
                                .arg(lifeline::monitors::checkResultName((outcome).result),       \
                                     lifeline::monitors::checkResultName(expected),               \
                                     (outcome).detail)));                                         \
    } while (false)
