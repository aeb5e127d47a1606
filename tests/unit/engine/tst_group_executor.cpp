// The group executor with real exec resources (scripts in a temporary root):
// dependency waves, retries, failover and final-action outcomes, "stuck" after
// a failed release, and the never-two-owners guard.
#include "GroupExecutor.h"

#include <QDir>
#include <QFile>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QtTest>

using namespace lifeline;
using namespace lifeline::engine;
using policy::ActionKind;
using policy::GroupState;
using resources::ResourceState;

namespace {

struct Spec {
    QString name;
    QStringList depends;
    QByteArray start = "exit 0";
    QByteArray stop = "exit 0";
    int actRetry = 0, actFo = 1, actAction = int(config::FinalAction::NoOperationStopActivating);
    int deactAction = int(config::FinalAction::StopClusterServiceAndShutdown);
};

} // namespace

class TestGroupExecutor : public QObject {
    Q_OBJECT

    QTemporaryDir root_;
    config::ClusterConfig config_;

    QString log() const { return root_.path() + QStringLiteral("/events.log"); }

    QStringList events() const {
        QFile f(log());
        if (!f.open(QIODevice::ReadOnly))
            return {};
        return QString::fromUtf8(f.readAll()).split(QLatin1Char('\n'), Qt::SkipEmptyParts);
    }

    void script(const QString& resource, const QString& file, const QByteArray& body) {
        const QString dir = root_.path() + "/etc/lifeline/scripts/g1/" + resource;
        QDir().mkpath(dir);
        QFile f(dir + "/" + file);
        QVERIFY(f.open(QIODevice::WriteOnly | QIODevice::Truncate));
        // Every run leaves a line: <script>:<resource>:<event>
        f.write("#!/bin/sh\necho " + file.section('.', 0, 0).toUtf8() +
                ":$CLP_RESOURCENAME:$CLP_EVENT >> \"$LIFELINE_ROOT/events.log\"\n" + body + "\n");
        f.close();
        QVERIFY(f.setPermissions(QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner));
    }

    // One group g1 on server1 made of exec resources.
    std::unique_ptr<GroupExecutor> make(const QList<Spec>& specs) {
        QFile::remove(log());
        config_ = {};
        config_.servers << config::Server{QStringLiteral("server1"), 0, {}, {}};
        config::Group g;
        g.name = QStringLiteral("g1");
        for (const auto& s : specs) {
            config::Resource r;
            r.type = QStringLiteral("exec");
            r.name = s.name;
            r.depends = s.depends;
            r.actRetry = s.actRetry;
            r.actFailoverThreshold = s.actFo;
            r.actAction = s.actAction;
            r.deactAction = s.deactAction;
            r.parameters.insert(QStringLiteral("timeout/start"), QStringLiteral("5"));
            r.parameters.insert(QStringLiteral("timeout/stop"), QStringLiteral("5"));
            config_.resources << r;
            g.resourceRefs << QStringLiteral("exec@") + s.name;
            script(s.name, QStringLiteral("start.sh"), s.start);
            script(s.name, QStringLiteral("stop.sh"), s.stop);
        }
        config_.groups << g;
        qputenv("LIFELINE_ROOT", root_.path().toUtf8());
        return std::make_unique<GroupExecutor>(config::Paths(root_.path()), QStringLiteral("server1"), config_, 1);
    }

    static RunResult runAndWait(GroupExecutor& x, ActionKind kind, int serversFailed = 0) {
        RunRequest r;
        r.group = QStringLiteral("g1");
        r.kind = kind;
        r.event = kind == ActionKind::Activate ? resources::ResourceEvent::Start : resources::ResourceEvent::Stop;
        r.serversFailed = serversFailed;
        std::optional<RunResult> result;
        x.run(r, [&](const RunResult& rr) { result = rr; });
        [&] { QTRY_VERIFY_WITH_TIMEOUT(result.has_value(), 15000); }();
        return result.value_or(RunResult{RunResult::Outcome::Refused, {}, QStringLiteral("no answer")});
    }

    static ResourceState state(const GroupExecutor& x, const QString& r) {
        return x.table().groups.value("g1").resources.value(r).state;
    }

private slots:
    void initTestCase() { QVERIFY(root_.isValid()); }

    void wavesInOrderAndReverse() {
        auto x = make({{"e1", {}}, {"e2", {"e1"}}, {"e3", {"e2"}}});
        QSignalSpy changed(x.get(), &GroupExecutor::tableChanged);
        QVERIFY(runAndWait(*x, ActionKind::Activate).ok());
        QCOMPARE(events(), (QStringList{"start:e1:START", "start:e2:START", "start:e3:START"}));
        QCOMPARE(x->table().groups["g1"].state, GroupState::Online);
        QVERIFY(changed.count() >= 4); // pending, then one per resource
        QVERIFY(runAndWait(*x, ActionKind::Deactivate).ok());
        QCOMPARE(events().mid(3), (QStringList{"stop:e3:STOP", "stop:e2:STOP", "stop:e1:STOP"}));
        QCOMPARE(x->table().groups["g1"].state, GroupState::Offline);
        // Idempotent: nothing left to stop runs no script.
        QVERIFY(runAndWait(*x, ActionKind::Deactivate).ok());
        QCOMPARE(events().size(), 6);
    }

    void retriesBeforeGivingUp() {
        // Fails the first time only (a marker file remembers the first try).
        Spec s{"e1", {}, "[ -e \"$LIFELINE_ROOT/tried\" ] && exit 0; touch \"$LIFELINE_ROOT/tried\"; exit 1"};
        s.actRetry = 1;
        QFile::remove(root_.path() + "/tried");
        auto x = make({s});
        QVERIFY(runAndWait(*x, ActionKind::Activate).ok());
        QCOMPARE(events(), (QStringList{"start:e1:START", "start:e1:START"}));
        QCOMPARE(state(*x, "e1"), ResourceState::Online);
    }

    void failureAsksForFailoverAndStopsActivating() {
        auto x = make({{"e1", {}, "exit 1"}, {"e2", {"e1"}}});
        const auto r = runAndWait(*x, ActionKind::Activate);
        QCOMPARE(r.outcome, RunResult::Outcome::Failover);
        QCOMPARE(r.resource, QStringLiteral("e1"));
        QVERIFY2(r.reason.contains("exited with code 1"), qPrintable(r.reason));
        QCOMPARE(events(), QStringList{"start:e1:START"}); // e2 never started
        QCOMPARE(x->table().groups["g1"].state, GroupState::Error);
        QVERIFY(!x->table().groups["g1"].held);
        // The same failure on a second server: past act/fo = 1, the final action.
        const auto again = runAndWait(*x, ActionKind::Activate, 1);
        QCOMPARE(again.outcome, RunResult::Outcome::FinalAction);
        QVERIFY(x->table().groups["g1"].held);
    }

    void noOperationActivatesTheNextResource() {
        Spec bad{"e1", {}, "exit 1"};
        bad.actFo = 0;
        bad.actAction = int(config::FinalAction::NoOperation);
        auto x = make({bad, {"e2", {"e1"}}});
        const auto r = runAndWait(*x, ActionKind::Activate);
        QCOMPARE(r.outcome, RunResult::Outcome::FinalAction);
        QCOMPARE(events(), (QStringList{"start:e1:START", "start:e2:START"}));
        QCOMPARE(state(*x, "e1"), ResourceState::Error);
        QCOMPARE(state(*x, "e2"), ResourceState::Online);
        QCOMPARE(x->table().groups["g1"].state, GroupState::Error);
        QVERIFY(x->table().groups["g1"].held);
        x->clearMarks("g1");
        QVERIFY(!x->table().groups["g1"].held);
    }

    void stopGroupReleasesWhatWasActivated() {
        Spec bad{"e2", {"e1"}, "exit 1"};
        bad.actFo = 0;
        bad.actAction = int(config::FinalAction::StopGroup);
        auto x = make({{"e1", {}}, bad});
        const auto r = runAndWait(*x, ActionKind::Activate);
        QCOMPARE(r.outcome, RunResult::Outcome::FinalAction);
        QCOMPARE(r.resource, QStringLiteral("e2"));
        QCOMPARE(events(), (QStringList{"start:e1:START", "start:e2:START", "stop:e2:STOP", "stop:e1:STOP"}));
        QCOMPARE(state(*x, "e1"), ResourceState::Offline);
        QCOMPARE(x->table().groups["g1"].state, GroupState::Offline);
    }

    void failedReleaseIsStuckAndAsksTheServerFinalAction() {
        auto x = make({{"e1", {}, "exit 0", "exit 1"}});
        QSignalSpy server(x.get(), &GroupExecutor::serverFinalAction);
        QVERIFY(runAndWait(*x, ActionKind::Activate).ok());
        const auto r = runAndWait(*x, ActionKind::Deactivate);
        QCOMPARE(r.outcome, RunResult::Outcome::FinalAction);
        QVERIFY(x->table().groups["g1"].stuck);
        QCOMPARE(x->table().groups["g1"].state, GroupState::Error);
        QCOMPARE(server.count(), 1);
        QCOMPARE(server.first().at(0).toInt(), int(config::FinalAction::StopClusterServiceAndShutdown));
    }

    void refusesWhileHeldElsewhereOrBusy() {
        auto x = make({{"e1", {}, "sleep 0.3"}});
        x->setHeldElsewhere([](const QString&) { return QStringLiteral("server2"); });
        auto r = runAndWait(*x, ActionKind::Activate);
        QCOMPARE(r.outcome, RunResult::Outcome::Refused);
        QVERIFY(r.reason.contains("server2"));
        QVERIFY(events().isEmpty());
        x->setHeldElsewhere({});
        RunRequest req;
        req.group = "g1";
        bool first = false;
        x->run(req, [&](const RunResult&) { first = true; });
        QVERIFY(x->busy("g1"));
        r = runAndWait(*x, ActionKind::Activate);
        QCOMPARE(r.outcome, RunResult::Outcome::Refused);
        QVERIFY(r.reason.contains("busy"));
        QTRY_VERIFY(first);
        QCOMPARE(x->table().groups["g1"].state, GroupState::Online);
    }

    void releaseAllStopsEveryActiveGroup() {
        auto x = make({{"e1", {}}});
        QVERIFY(runAndWait(*x, ActionKind::Activate).ok());
        std::optional<bool> done;
        x->releaseAll(resources::ResourceEvent::Stop, [&](bool ok) { done = ok; });
        QTRY_VERIFY(done.has_value());
        QVERIFY(*done);
        QCOMPARE(x->table().groups["g1"].state, GroupState::Offline);
    }

    // clpcfctrl --push: a new group appears, a running group is left alone, a changed group
    // is rebuilt once it is stopped, a removed idle group goes.
    void reloadConfigTouchesOnlyIdleGroups() {
        auto x = make({{"e1", {}}});
        QVERIFY(runAndWait(*x, ActionKind::Activate).ok());
        script("e2", QStringLiteral("start.sh"), "exit 0");
        script("e2", QStringLiteral("stop.sh"), "exit 0");
        config::Resource e2 = config_.resources.first();
        e2.name = QStringLiteral("e2");
        config_.resources << e2;
        config_.groups.first().resourceRefs << QStringLiteral("exec@e2"); // changed while running
        config::Group g2;
        g2.name = QStringLiteral("g2");
        config_.groups << g2;
        QSignalSpy changed(x.get(), &GroupExecutor::tableChanged);
        x->reloadConfig({QStringLiteral("g1")});
        QVERIFY(changed.count() >= 1);
        QVERIFY(x->table().groups.contains("g2"));
        QCOMPARE(x->table().groups["g2"].state, GroupState::Offline);
        QCOMPARE(x->table().groups["g1"].state, GroupState::Online);
        QCOMPARE(x->table().groups["g1"].resources.keys(), QStringList{"e1"}); // running: untouched
        QVERIFY(runAndWait(*x, ActionKind::Deactivate).ok());
        x->reloadConfig({QStringLiteral("g1")});
        QCOMPARE(x->table().groups["g1"].resources.size(), 2);
        QVERIFY(runAndWait(*x, ActionKind::Activate).ok());
        QCOMPARE(state(*x, "e2"), ResourceState::Online);
        QVERIFY(runAndWait(*x, ActionKind::Deactivate).ok());
        config_.groups.removeLast();
        x->reloadConfig({});
        QVERIFY(!x->table().groups.contains("g2"));
    }
};

QTEST_GUILESS_MAIN(TestGroupExecutor)
#include "tst_group_executor.moc"
