// The vip driver against a real RIPv2 router. The test process is the server
// (its own network namespace); a "router" namespace runs bird2 with RIP on the
// server side and exports what it learns to its kernel table; a "client"
// namespace sits on another subnet behind the router:
//
//   server llvip0 198.18.10.1/24 -- 198.18.10.2/24 llvip1 ROUTER
//   ROUTER llvip2 198.18.20.1/24 -- 198.18.20.2/24 llvip3 client
//
// The vip 198.18.30.5 is on neither subnet: the client reaches it only through
// the route the router learns by RIP. Root and bird2 only; the RIPv2 encoding
// case runs everywhere.
#include "ResourceDriver.h"
#include "RipAdvertiser.h"
#include "TestNetwork.h"
#include "VipResource.h"

#include <QProcess>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QtTest>

#include <sched.h>
#include <unistd.h>

using namespace lifeline;
using namespace lifeline::resources;
using Result = testutil::DriverResult;

namespace {
const QString kVip = QStringLiteral("198.18.30.5");
const QString kServerAddress = QStringLiteral("198.18.10.1");

// RIP timers in seconds, short so that the test takes seconds: a route not
// refreshed for kBirdTimeout is dropped.
constexpr int kBirdUpdate = 1;
constexpr int kBirdTimeout = 3;
} // namespace

class TstVipResource : public QObject {
    Q_OBJECT
public:
    ~TstVipResource() override { cleanupTestCase(); } // even if initTestCase failed half way

private slots:
    void encodesRipv2Response();
    void initTestCase();
    void cleanupTestCase();
    void routerLearnsTheRouteAndClientReachesTheVip();
    void deactivationWithdrawsTheRoute();
    void addressInUseOnTheLanIsNotActivated();
    void addressConfiguredHereIsNotActivated();
    void misconfigurationFailsAndLeavesNothing();
    void registryCreatesVip();

private:
    std::unique_ptr<VipResource> driver(const QString& ifname, const QString& ip = kVip);
    static Result activate(VipResource& d) {
        return testutil::waitForDriver([&d](ResourceDriver::Done done) { d.activate(ResourceEvent::Start, done); });
    }
    static Result deactivate(VipResource& d) {
        return testutil::waitForDriver([&d](ResourceDriver::Done done) { d.deactivate(ResourceEvent::Stop, done); });
    }
    QString routerRoute() { return testutil::run({"ip", "route", "show", kVip}, router_).trimmed(); }
    bool clientPings() {
        int rc = 0;
        testutil::run({"ping", "-c", "1", "-W", "1", kVip}, client_, &rc);
        return rc == 0;
    }

    QString skipReason_; // why initTestCase did not build the topology (every case skips)
    std::unique_ptr<testutil::NamedNamespaces> namespaces_;
    QString router_, client_;
    std::unique_ptr<QTemporaryDir> birdDir_;
    std::unique_ptr<QProcess> bird_;
    std::unique_ptr<VipResource> active_; // activated in one case, deactivated in the next
};

void TstVipResource::encodesRipv2Response() {
    RipAdvertiser::Entry vip;
    vip.address = 0xc6121e05; // 198.18.30.5
    const QByteArray one = RipAdvertiser::encodeResponse({vip});
    QCOMPARE(one.toHex(' '), QByteArray("02 02 00 00 "         // Response, version 2, must be zero
                                        "00 02 00 00 "         // AFI 2 (IP), route tag 0
                                        "c6 12 1e 05 "         // address
                                        "ff ff ff ff "         // mask /32
                                        "00 00 00 00 "         // next hop: the sender
                                        "00 00 00 01"));       // metric 1

    RipAdvertiser::Entry withdrawn = vip;
    withdrawn.metric = RipAdvertiser::kInfinity;
    withdrawn.routeTag = 0x1234;
    withdrawn.nextHop = 0xc6120a01;
    const QByteArray two = RipAdvertiser::encodeResponse({vip, withdrawn});
    QCOMPARE(two.size(), 4 + 2 * 20);
    QCOMPARE(two.mid(24).toHex(' '), QByteArray("00 02 12 34 c6 12 1e 05 ff ff ff ff c6 12 0a 01 00 00 00 10"));
}

void TstVipResource::initTestCase() {
    if (::geteuid() != 0) {
        skipReason_ = QStringLiteral("needs root: creates network namespaces, veth pairs, addresses and a router");
        return;
    }
    for (const char* tool : {"ip", "ping", "bird", "birdc"}) {
        if (QStandardPaths::findExecutable(tool, {"/usr/sbin", "/usr/bin", "/sbin", "/bin"}).isEmpty()) {
            skipReason_ = QStringLiteral("needs %1 (iproute2, iputils-ping, bird2)").arg(tool);
            return;
        }
    }
    QVERIFY2(::unshare(CLONE_NEWNET) == 0, "unshare(CLONE_NEWNET) failed");
    namespaces_ = std::make_unique<testutil::NamedNamespaces>(QStringLiteral("llvip-"));
    router_ = namespaces_->add(QStringLiteral("router"));
    client_ = namespaces_->add(QStringLiteral("client"));
    QVERIFY(!router_.isEmpty() && !client_.isEmpty());
    QCOMPARE(testutil::runAll({
                 {"ip", "link", "add", "llvip0", "type", "veth", "peer", "name", "llvip1", "netns", router_},
                 {"ip", "addr", "add", kServerAddress + "/24", "dev", "llvip0"},
                 {"ip", "link", "set", "llvip0", "up"},
                 {"ip", "link", "set", "lo", "up"},
                 {"ip", "route", "add", "default", "via", "198.18.10.2"}, // replies to the client
             }),
             QString());
    QCOMPARE(testutil::runAll({
                 {"ip", "link", "add", "llvip2", "type", "veth", "peer", "name", "llvip3", "netns", client_},
                 {"ip", "addr", "add", "198.18.10.2/24", "dev", "llvip1"},
                 {"ip", "addr", "add", "198.18.20.1/24", "dev", "llvip2"},
                 {"ip", "link", "set", "llvip1", "up"},
                 {"ip", "link", "set", "llvip2", "up"},
                 {"ip", "link", "set", "lo", "up"},
                 {"sysctl", "-qw", "net.ipv4.ip_forward=1"},
             },
                              router_),
             QString());
    QCOMPARE(testutil::runAll({
                 {"ip", "addr", "add", "198.18.20.2/24", "dev", "llvip3"},
                 {"ip", "link", "set", "llvip3", "up"},
                 {"ip", "link", "set", "lo", "up"},
                 {"ip", "route", "add", "default", "via", "198.18.20.1"},
             },
                              client_),
             QString());

    // bird2 with its own config, control socket and pid file; not the system one.
    birdDir_ = std::make_unique<QTemporaryDir>();
    QVERIFY(birdDir_->isValid());
    QFile conf(birdDir_->filePath("bird.conf"));
    QVERIFY(conf.open(QIODevice::WriteOnly));
    conf.write(QStringLiteral(R"(router id 198.18.10.2;
log stderr { warning, error, fatal };
protocol device { scan time 1; }
protocol kernel {
    ipv4 { import none; export all; };
}
protocol rip rip1 {
    ipv4 { import all; export none; };
    interface "llvip1" {
        version 2;
        update time %1;
        timeout time %2;
        garbage time %2;
    };
}
)")
                   .arg(kBirdUpdate)
                   .arg(kBirdTimeout)
                   .toUtf8());
    conf.close();
    const QString socket = birdDir_->filePath("bird.ctl");
    bird_ = std::make_unique<QProcess>();
    bird_->setProcessChannelMode(QProcess::ForwardedErrorChannel);
    // `ip netns exec` execs bird: the QProcess pid is bird's, killed in cleanup.
    bird_->start("ip", {"netns", "exec", router_, "bird", "-f", "-c", conf.fileName(), "-s", socket, "-P",
                        birdDir_->filePath("bird.pid")});
    QVERIFY2(bird_->waitForStarted(5000), "bird did not start");
    // Ready once RIP runs on the server-facing interface.
    const auto ripUp = [this, socket] {
        int rc = 0; // the control socket appears a moment after start
        const QString out = testutil::run({"birdc", "-s", socket, "show", "rip", "interfaces"}, router_, &rc);
        return rc == 0 && out.contains(QRegularExpression("llvip1\\s+Up"));
    };
    QTRY_VERIFY_WITH_TIMEOUT(ripUp(), 10000);
}

void TstVipResource::cleanupTestCase() {
    active_.reset();
    if (bird_) {
        bird_->kill();
        bird_->waitForFinished(5000);
        bird_.reset();
    }
    birdDir_.reset();
    namespaces_.reset();
    // The server's namespace (llvip0 and the vip with it) goes away with the process.
}

std::unique_ptr<VipResource> TstVipResource::driver(const QString& ifname, const QString& ip) {
    ResourceContext context;
    context.localServer = QStringLiteral("server1");
    context.group = QStringLiteral("failover1");
    context.resource.type = QStringLiteral("vip");
    context.resource.name = QStringLiteral("vip1");
    context.resource.parameters.insert(QStringLiteral("ip"), ip);
    context.resource.parameters.insert(QStringLiteral("ifname"), ifname);
    context.resource.parameters.insert(QStringLiteral("interval"), QString::number(kBirdUpdate));
    return std::make_unique<VipResource>(std::move(context));
}

void TstVipResource::routerLearnsTheRouteAndClientReachesTheVip() {
    if (!skipReason_.isEmpty())
        QSKIP(qPrintable(skipReason_));
    active_ = driver(QStringLiteral("llvip0"));
    QString reason;
    QCOMPARE(active_->observe(&reason), ResourceState::Offline);
    QVERIFY(routerRoute().isEmpty());
    QVERIFY(!clientPings());

    QElapsedTimer timer;
    timer.start();
    const Result r = activate(*active_);
    QVERIFY2(r.finished && r.ok, qPrintable(r.reason));
    qInfo("activated in %lld ms: %s", timer.elapsed(), qPrintable(r.reason));
    QVERIFY(testutil::run({"ip", "-o", "addr", "show", "dev", "llvip0"}).contains(kVip + "/32"));
    QCOMPARE(active_->observe(&reason), ResourceState::Online);
    QVERIFY2(reason.contains("llvip0"), qPrintable(reason));

    // The router's kernel table learns vip/32 through the server; the event
    // loop runs meanwhile, so the driver keeps advertising.
    QTRY_VERIFY_WITH_TIMEOUT(routerRoute().contains("via " + kServerAddress), 10000);
    qInfo("route learned %lld ms after activation: %s", timer.elapsed(), qPrintable(routerRoute()));
    QVERIFY2(routerRoute().contains("proto bird"), qPrintable(routerRoute()));
    QVERIFY(clientPings());

    // Still there after bird's timeout: the periodic advertisements refresh it.
    QTest::qWait((kBirdTimeout + 1) * 1000);
    QVERIFY2(routerRoute().contains("via " + kServerAddress), "the route expired: no periodic advertisements");
    QVERIFY(clientPings());
}

void TstVipResource::deactivationWithdrawsTheRoute() {
    if (!skipReason_.isEmpty())
        QSKIP(qPrintable(skipReason_));
    QVERIFY(active_);
    QElapsedTimer timer;
    timer.start();
    const Result r = deactivate(*active_);
    QVERIFY2(r.finished && r.ok, qPrintable(r.reason));
    qInfo("deactivated in %lld ms: %s", timer.elapsed(), qPrintable(r.reason));
    QString reason;
    QCOMPARE(active_->observe(&reason), ResourceState::Offline);
    QVERIFY(!testutil::run({"ip", "-o", "addr", "show", "dev", "llvip0"}).contains(kVip));
    // Withdrawn (metric 16), well before bird's own timeout would drop it.
    QTRY_VERIFY_WITH_TIMEOUT(routerRoute().isEmpty(), (kBirdTimeout - 1) * 1000);
    qInfo("route gone %lld ms after deactivation began", timer.elapsed());
    QVERIFY(!clientPings());

    // Deactivating again is fine.
    const Result again = deactivate(*active_);
    QVERIFY2(again.finished && again.ok, qPrintable(again.reason));
    active_.reset();
}

// Pseudo-failure #14: the vip is an address another host already uses (here the
// router, on the link to the server): the ARP probe hears its reply, activation
// fails naming the address and the MAC, and nothing is added or advertised.
void TstVipResource::addressInUseOnTheLanIsNotActivated() {
    if (!skipReason_.isEmpty())
        QSKIP(qPrintable(skipReason_));
    QVERIFY(routerRoute().isEmpty());
    int rc = 0;
    testutil::run({"ip", "addr", "add", kVip + "/32", "dev", "llvip1"}, router_, &rc);
    QCOMPARE(rc, 0);
    const auto m = QRegularExpression(QStringLiteral("link/ether ([0-9a-f:]{17})"))
                       .match(testutil::run({"ip", "-o", "link", "show", "dev", "llvip1"}, router_));
    QVERIFY(m.hasMatch());
    const QString routerMac = m.captured(1);

    auto d = driver(QStringLiteral("llvip0"));
    QElapsedTimer timer;
    timer.start();
    const Result r = activate(*d);
    qInfo("refused in %lld ms: %s", timer.elapsed(), qPrintable(r.reason));
    QVERIFY(r.finished && !r.ok);
    QCOMPARE(r.reason, QStringLiteral("%1 is in use by %2 (ARP reply on llvip0)").arg(kVip, routerMac));
    QVERIFY(!testutil::run({"ip", "-o", "addr", "show"}).contains(kVip + "/"));
    QString reason;
    QCOMPARE(d->observe(&reason), ResourceState::Offline);
    // No advertisement either: bird would have the route within a few ms.
    QTest::qWait(kBirdUpdate * 1000 + 500);
    QVERIFY2(routerRoute().isEmpty(), qPrintable(routerRoute()));

    testutil::run({"ip", "addr", "del", kVip + "/32", "dev", "llvip1"}, router_, &rc);
    QCOMPARE(rc, 0);
}

// The vip already configured on this server (by hand, or the address of a
// server): refused at once, naming the interface; the address is left alone.
void TstVipResource::addressConfiguredHereIsNotActivated() {
    if (!skipReason_.isEmpty())
        QSKIP(qPrintable(skipReason_));
    QCOMPARE(testutil::runAll({{"ip", "addr", "add", kVip + "/32", "dev", "lo"}}), QString());
    auto d = driver(QStringLiteral("llvip0"));
    const Result r = activate(*d);
    QVERIFY(r.finished && !r.ok);
    QCOMPARE(r.reason, QStringLiteral("%1 is in use: already configured on lo of this server").arg(kVip));
    QVERIFY(testutil::run({"ip", "-o", "addr", "show", "dev", "lo"}).contains(kVip + "/32"));
    QVERIFY(!testutil::run({"ip", "-o", "addr", "show", "dev", "llvip0"}).contains(kVip));
    QVERIFY(routerRoute().isEmpty());
    QCOMPARE(testutil::runAll({{"ip", "addr", "del", kVip + "/32", "dev", "lo"}}), QString());

    // The server's own address as the vip: not taken for an active vip (so the
    // engine does try to activate it), refused, and left alone by deactivation.
    auto own = driver(QStringLiteral("llvip0"), kServerAddress);
    QString reason;
    QCOMPARE(own->observe(&reason), ResourceState::Offline);
    QVERIFY2(reason.contains("an address of this server"), qPrintable(reason));
    const Result refused = activate(*own);
    QVERIFY(refused.finished && !refused.ok);
    QCOMPARE(refused.reason,
             QStringLiteral("%1 is in use: already configured on llvip0 of this server").arg(kServerAddress));
    const Result off = deactivate(*own);
    QVERIFY2(off.finished && off.ok, qPrintable(off.reason));
    QVERIFY2(off.reason.contains("left alone"), qPrintable(off.reason));
    QVERIFY(testutil::run({"ip", "-o", "addr", "show", "dev", "llvip0"}).contains(kServerAddress + "/24"));
}

void TstVipResource::misconfigurationFailsAndLeavesNothing() {
    if (!skipReason_.isEmpty())
        QSKIP(qPrintable(skipReason_));
    const auto vipHere = [] { return testutil::run({"ip", "-o", "addr", "show"}).contains(kVip + "/"); };

    auto none = driver(QString());
    Result r = activate(*none);
    QVERIFY(r.finished && !r.ok);
    QVERIFY2(r.reason.contains("ifname"), qPrintable(r.reason));

    auto missing = driver(QStringLiteral("llvip0, llvipx"));
    r = activate(*missing);
    QVERIFY(r.finished && !r.ok);
    QVERIFY2(r.reason.contains("llvipx does not exist"), qPrintable(r.reason));
    QVERIFY(!vipHere());

    // An interface without an address of its own cannot speak RIP to a router.
    QCOMPARE(testutil::runAll({{"ip", "link", "add", "llvipd", "type", "veth", "peer", "name", "llvipe"},
                               {"ip", "link", "set", "llvipd", "up"}}),
             QString());
    auto bare = driver(QStringLiteral("llvipd"));
    r = activate(*bare);
    QVERIFY(r.finished && !r.ok);
    QVERIFY2(r.reason.contains("llvipd has no IPv4 address of its own"), qPrintable(r.reason));
    QVERIFY(!vipHere()); // the address added before was taken off again
    QString reason;
    QCOMPARE(bare->observe(&reason), ResourceState::Offline);
}

void TstVipResource::registryCreatesVip() {
    ResourceContext context;
    context.resource.type = QStringLiteral("vip");
    context.resource.name = QStringLiteral("vip1");
    QString error;
    QVERIFY(isResourceTypeImplemented(QStringLiteral("vip")));
    QVERIFY2(createResourceDriver(context, &error) != nullptr, qPrintable(error));
}

QTEST_GUILESS_MAIN(TstVipResource)
#include "tst_vip_resource.moc"
