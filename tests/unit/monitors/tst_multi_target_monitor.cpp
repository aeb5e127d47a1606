// mtw through its state hook, the shared list[N]/ parameters, and the registry.
#include "MonitorSupport.h"
#include "MonitorTestUtil.h"
#include "MultiTargetMonitor.h"
#include "UserModeMonitor.h"

#include <QtTest>

using namespace lifeline;
using namespace lifeline::monitors;
using CR = CheckResult;

class TstMultiTargetMonitor : public QObject {
    Q_OBJECT
private slots:
    void cleanup() { MultiTargetMonitor::setStateLookup({}); }
    void errorAtCount();
    void withoutHookIsWarning();
    void emptyListIsError();
    void registryKnowsTheTypes();
    void userwRowFollowsItsMethod();

private:
    static MonitorContext mtw(int count);
};

MonitorContext TstMultiTargetMonitor::mtw(int count) {
    auto context = testutil::monitorContext(QStringLiteral("mtw"), QStringLiteral("mtw1"));
    context.monitor.parameters.insert(QStringLiteral("list[0]/name"), QStringLiteral("ipw1"));
    context.monitor.parameters.insert(QStringLiteral("list[1]/name"), QStringLiteral("miiw1"));
    context.monitor.parameters.insert(QStringLiteral("list[2]/name"), QStringLiteral("diskw1"));
    if (count > 0)
        context.monitor.parameters.insert(QStringLiteral("count"), QString::number(count));
    return context;
}

void TstMultiTargetMonitor::errorAtCount() {
    QHash<QString, QString> states{{"ipw1", "Error"}, {"miiw1", "Normal"}, {"diskw1", "Normal"}};
    MultiTargetMonitor::setStateLookup([&states](const QString& name) { return states.value(name); });
    MultiTargetMonitor one(mtw(0)); // count defaults to 1
    MultiTargetMonitor two(mtw(2));
    auto outcome = testutil::runCheck(one);
    COMPARE_RESULT(outcome, CR::Error);
    QCOMPARE(outcome.detail, QStringLiteral("1 of 3 monitors in error: ipw1"));
    COMPARE_RESULT(testutil::runCheck(two), CR::Normal);
    states[QStringLiteral("diskw1")] = QStringLiteral("error");
    outcome = testutil::runCheck(two);
    COMPARE_RESULT(outcome, CR::Error);
    QCOMPARE(outcome.detail, QStringLiteral("2 of 3 monitors in error: ipw1, diskw1"));
    states = {};
    COMPARE_RESULT(testutil::runCheck(one), CR::Normal);
}

void TstMultiTargetMonitor::withoutHookIsWarning() {
    MultiTargetMonitor d(mtw(1));
    COMPARE_RESULT(testutil::runCheck(d), CR::Warning);
}

void TstMultiTargetMonitor::emptyListIsError() {
    MultiTargetMonitor::setStateLookup([](const QString&) { return QStringLiteral("Normal"); });
    MultiTargetMonitor d(testutil::monitorContext(QStringLiteral("mtw"), QStringLiteral("mtw2")));
    COMPARE_RESULT(testutil::runCheck(d), CR::Error);
}

void TstMultiTargetMonitor::registryKnowsTheTypes() {
    for (const char* type : {"ipw", "miiw", "fipw", "vipw", "pidw", "genw", "diskw", "volmgrw", "mtw", "userw"}) {
        QString error;
        auto driver = createMonitorDriver(testutil::monitorContext(QString::fromLatin1(type), QStringLiteral("m")), &error);
        QVERIFY2(driver, qPrintable(error));
        QVERIFY(isMonitorTypeImplemented(QString::fromLatin1(type)));
    }
}

void TstMultiTargetMonitor::userwRowFollowsItsMethod() {
    // The stall detection is the supervisor's; the row is Normal, or Warning with method none.
    auto context = testutil::monitorContext(QStringLiteral("userw"), QStringLiteral("userw"));
    UserModeMonitor keepalive(context);
    COMPARE_RESULT(testutil::runCheck(keepalive), CR::Normal);
    context.monitor.parameters.insert(QStringLiteral("method"), QStringLiteral("none"));
    UserModeMonitor none(context);
    COMPARE_RESULT(testutil::runCheck(none), CR::Warning);
}

QTEST_GUILESS_MAIN(TstMultiTargetMonitor)
#include "tst_multi_target_monitor.moc"
