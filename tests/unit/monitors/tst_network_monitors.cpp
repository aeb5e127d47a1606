// ipw, miiw, fipw and vipw in the test's private network namespace: a veth
// pair to a second namespace playing another host (monv0 198.18.1.11/24 here,
// monv1 198.18.1.12/24 there) and a second veth pair mond0/mond1 here. Root only.
#include "FipMonitor.h"
#include "IpMonitor.h"
#include "MiiMonitor.h"
#include "MonitorSupport.h"
#include "MonitorTestUtil.h"
#include "TestNetwork.h"
#include "VipMonitor.h"
#include "XmlPath.h"

#include <QDomDocument>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QtTest>

#include <sched.h>
#include <unistd.h>

using namespace lifeline;
using namespace lifeline::monitors;
using CR = CheckResult;

class TstNetworkMonitors : public QObject {
    Q_OBJECT
private slots:
    void initTestCase();
    void cleanupTestCase() { namespaces_.reset(); }
    void ipwListIsReadFromClpConfLists();
    void ipwAnswerIsNormal();
    void ipwNoAnswerIsError();
    void ipwAnyTargetIsEnough();
    void miiwLinkStates();
    void miiwSeesCarrierLossAtOnce();
    void fipwAddressAndLink();
    void vipwNeedsHostRoute();

private:
    void step(const QStringList& args, bool other = false);
    std::unique_ptr<IpMonitor> ipw(const QStringList& targets);
    MonitorContext addressContext(const QString& monitorType, const QString& resourceType, const QString& ip);

    std::unique_ptr<testutil::NamedNamespaces> namespaces_;
    QString otherNs_;
    config::ClusterConfig config_;
};

void TstNetworkMonitors::step(const QStringList& args, bool other) {
    int rc = 0;
    testutil::run(args, other ? otherNs_ : QString(), &rc);
    QVERIFY2(rc == 0, qPrintable(args.join(u' ')));
}

void TstNetworkMonitors::initTestCase() {
    if (::geteuid() != 0)
        QSKIP("needs root: creates network namespaces, links and addresses");
    if (QStandardPaths::findExecutable(QStringLiteral("ip")).isEmpty())
        QSKIP("needs iproute2 (ip) to build the test network");
    QVERIFY2(::unshare(CLONE_NEWNET) == 0, "unshare(CLONE_NEWNET) failed");
    namespaces_ = std::make_unique<testutil::NamedNamespaces>(QStringLiteral("lifeline-monw-"));
    otherNs_ = namespaces_->add();
    QVERIFY(!otherNs_.isEmpty());
    step({"ip", "link", "set", "lo", "up"});
    step({"ip", "link", "add", "monv0", "type", "veth", "peer", "name", "monv1", "netns", otherNs_});
    step({"ip", "addr", "add", "198.18.1.11/24", "dev", "monv0"});
    step({"ip", "link", "set", "monv0", "up"});
    // A second pair, both ends here (no dummy driver in every kernel).
    step({"ip", "link", "add", "mond0", "type", "veth", "peer", "name", "mond1"});
    step({"ip", "link", "set", "mond0", "up"});
    step({"ip", "link", "set", "mond1", "up"});
    step({"ip", "link", "set", "lo", "up"}, true);
    step({"ip", "addr", "add", "198.18.1.12/24", "dev", "monv1"}, true);
    step({"ip", "link", "set", "monv1", "up"}, true);
    // The link carries traffic once the other end answers.
    QTRY_VERIFY_WITH_TIMEOUT(
        [this] {
            int rc = 0;
            testutil::run({"ping", "-c1", "-W1", "198.18.1.11"}, otherNs_, &rc);
            return rc == 0;
        }(),
        10000);
}

void TstNetworkMonitors::ipwListIsReadFromClpConfLists() {
    // As in clp.conf (<list id="N"><ip>), flattened as the config reader does.
    QDomDocument doc;
    QVERIFY(doc.setContent(QByteArrayLiteral("<parameters><list id=\"10\"><ip>198.18.1.3</ip></list>"
                                             "<list id=\"2\"><ip>198.18.1.2</ip></list>"
                                             "<list id=\"0\"><ip>198.18.1.1</ip></list></parameters>")));
    config::Monitor m;
    m.type = QStringLiteral("ipw");
    m.parameters = config::xml::flatten(doc.documentElement());
    QCOMPARE(m.parameters.firstKey(), QStringLiteral("list[0]/ip"));
    QCOMPARE(listParameter(m, QStringLiteral("ip")),
             (QStringList{"198.18.1.1", "198.18.1.2", "198.18.1.3"}));
}

std::unique_ptr<IpMonitor> TstNetworkMonitors::ipw(const QStringList& targets) {
    auto context = testutil::monitorContext(QStringLiteral("ipw"), QStringLiteral("ipw1"));
    context.monitor.timeoutMs = 1000; // waits 500 ms for an answer
    for (int i = 0; i < targets.size(); ++i)
        context.monitor.parameters.insert(QStringLiteral("list[%1]/ip").arg(i), targets[i]);
    return std::make_unique<IpMonitor>(std::move(context));
}

void TstNetworkMonitors::ipwAnswerIsNormal() {
    auto d = ipw({"198.18.1.12"});
    const auto outcome = testutil::runCheck(*d);
    COMPARE_RESULT(outcome, CR::Normal);
    // Again: a driver checks many times.
    COMPARE_RESULT(testutil::runCheck(*d), CR::Normal);
}

void TstNetworkMonitors::ipwNoAnswerIsError() {
    auto d = ipw({"198.18.1.99"});
    QElapsedTimer t;
    t.start();
    const auto outcome = testutil::runCheck(*d);
    COMPARE_RESULT(outcome, CR::Error);
    QVERIFY2(outcome.detail.contains(QLatin1String("198.18.1.99")), qPrintable(outcome.detail));
    QVERIFY(t.elapsed() >= d->waitMs() - 50);
}

void TstNetworkMonitors::ipwAnyTargetIsEnough() {
    auto d = ipw({"198.18.1.99", "198.18.1.12"});
    COMPARE_RESULT(testutil::runCheck(*d), CR::Normal);
    // cancel() drops the report of the check in progress.
    bool called = false;
    d->check([&called](CheckResult, const QString&) { called = true; });
    d->cancel();
    COMPARE_RESULT(testutil::runCheck(*d), CR::Normal);
    QVERIFY(!called);
}

void TstNetworkMonitors::miiwLinkStates() {
    auto context = testutil::monitorContext(QStringLiteral("miiw"), QStringLiteral("miiw1"));
    context.monitor.parameters.insert(QStringLiteral("object"), QStringLiteral("mond0"));
    MiiMonitor d(context);
    COMPARE_RESULT(testutil::runCheck(d), CR::Normal);
    step({"ip", "link", "set", "mond0", "down"});
    auto outcome = testutil::runCheck(d);
    COMPARE_RESULT(outcome, CR::Error);
    QVERIFY2(outcome.detail.contains(QLatin1String("administratively down")), qPrintable(outcome.detail));
    step({"ip", "link", "set", "mond0", "up"});
    COMPARE_RESULT(testutil::runCheck(d), CR::Normal);

    context.monitor.parameters.insert(QStringLiteral("object"), QStringLiteral("nosuch0"));
    MiiMonitor missing(context);
    outcome = testutil::runCheck(missing);
    COMPARE_RESULT(outcome, CR::Error);
    QVERIFY2(outcome.detail.contains(QLatin1String("does not exist")), qPrintable(outcome.detail));
}

void TstNetworkMonitors::miiwSeesCarrierLossAtOnce() {
    // The cable of monv0 is "pulled": its peer goes down in the other namespace.
    auto context = testutil::monitorContext(QStringLiteral("miiw"), QStringLiteral("miiw2"));
    context.monitor.parameters.insert(QStringLiteral("object"), QStringLiteral("monv0"));
    MiiMonitor d(context);
    COMPARE_RESULT(testutil::runCheck(d), CR::Normal);
    QSignalSpy spy(&d, &MonitorDriver::checkNow);
    step({"ip", "link", "set", "monv1", "down"}, true);
    QTRY_VERIFY_WITH_TIMEOUT(spy.count() > 0, 3000);
    const auto outcome = testutil::runCheck(d);
    step({"ip", "link", "set", "monv1", "up"}, true);
    COMPARE_RESULT(outcome, CR::Error);
    QVERIFY2(outcome.detail.contains(QLatin1String("NO-CARRIER")), qPrintable(outcome.detail));
    QTRY_VERIFY_WITH_TIMEOUT(testutil::runCheck(d).result == CR::Normal, 5000);
}

MonitorContext TstNetworkMonitors::addressContext(const QString& monitorType, const QString& resourceType,
                                                  const QString& ip) {
    config::Resource r;
    r.type = resourceType;
    r.name = resourceType + QLatin1Char('1');
    r.parameters.insert(QStringLiteral("ip"), ip);
    config_.resources = {r};
    auto context = testutil::monitorContext(monitorType, monitorType + QLatin1Char('1'));
    context.monitor.target = r.name;
    context.config = &config_;
    context.resource = [](const QString&) { return nullptr; }; // no driver: the config tells
    return context;
}

void TstNetworkMonitors::fipwAddressAndLink() {
    auto context = addressContext(QStringLiteral("fipw"), QStringLiteral("fip"), QStringLiteral("198.18.1.50"));
    FipMonitor d(context);
    auto outcome = testutil::runCheck(d);
    COMPARE_RESULT(outcome, CR::Error);
    QVERIFY2(outcome.detail.contains(QLatin1String("not configured")), qPrintable(outcome.detail));
    step({"ip", "addr", "add", "198.18.1.50/24", "dev", "monv0"});
    COMPARE_RESULT(testutil::runCheck(d), CR::Normal);

    // monmii = 1: the link of the address's interface counts too.
    step({"ip", "link", "set", "monv1", "down"}, true);
    QTRY_VERIFY_WITH_TIMEOUT(!LinkState::query(QStringLiteral("monv0"), nullptr)->running, 3000);
    COMPARE_RESULT(testutil::runCheck(d), CR::Normal); // monmii = 0 (default)
    context.monitor.parameters.insert(QStringLiteral("monmii"), QStringLiteral("1"));
    FipMonitor withMii(context);
    outcome = testutil::runCheck(withMii);
    step({"ip", "link", "set", "monv1", "up"}, true);
    COMPARE_RESULT(outcome, CR::Error);
    QVERIFY2(outcome.detail.contains(QLatin1String("NO-CARRIER")), qPrintable(outcome.detail));
    QTRY_VERIFY_WITH_TIMEOUT(testutil::runCheck(withMii).result == CR::Normal, 5000);
    step({"ip", "addr", "del", "198.18.1.50/24", "dev", "monv0"});
    COMPARE_RESULT(testutil::runCheck(withMii), CR::Error);

    // A target that is not a fip cannot be checked.
    context.monitor.target = QStringLiteral("nosuch");
    COMPARE_RESULT(testutil::runCheck(*std::make_unique<FipMonitor>(context)), CR::Warning);
}

void TstNetworkMonitors::vipwNeedsHostRoute() {
    VipMonitor d(addressContext(QStringLiteral("vipw"), QStringLiteral("vip"), QStringLiteral("198.18.1.60")));
    COMPARE_RESULT(testutil::runCheck(d), CR::Error);
    // With another prefix it is an address of this server, not the vip.
    step({"ip", "addr", "add", "198.18.1.60/24", "dev", "monv0"});
    COMPARE_RESULT(testutil::runCheck(d), CR::Error);
    step({"ip", "addr", "del", "198.18.1.60/24", "dev", "monv0"});
    step({"ip", "addr", "add", "198.18.1.60/32", "dev", "mond0"});
    const auto outcome = testutil::runCheck(d);
    COMPARE_RESULT(outcome, CR::Normal);
    QVERIFY2(outcome.detail.contains(QLatin1String("mond0")), qPrintable(outcome.detail));
    step({"ip", "addr", "del", "198.18.1.60/32", "dev", "mond0"});
    COMPARE_RESULT(testutil::runCheck(d), CR::Error);
}

QTEST_GUILESS_MAIN(TstNetworkMonitors)
#include "tst_network_monitors.moc"
