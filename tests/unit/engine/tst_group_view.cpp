// The cluster-wide group view: which report wins, who holds a group, and what
// the policy is told (never a free group while a holder may still hold it).
#include "GroupView.h"

#include <QtTest>

using namespace lifeline::engine;
using lifeline::policy::GroupState;

namespace {
GroupTable table(quint64 incarnation, quint64 sequence, GroupState state, bool stuck = false, bool held = false) {
    GroupTable t;
    t.incarnation = incarnation;
    t.sequence = sequence;
    LocalGroup g;
    g.state = state;
    g.stuck = stuck;
    g.held = held;
    t.groups.insert(QStringLiteral("g1"), g);
    return t;
}
const QStringList kOrder{QStringLiteral("s1"), QStringLiteral("s2"), QStringLiteral("s3")};
} // namespace

class TestGroupView : public QObject {
    Q_OBJECT
private slots:
    void newerReportsWin() {
        GroupView v;
        QVERIFY(v.offer("s1", table(10, 5, GroupState::Online)));
        QVERIFY(!v.offer("s1", table(10, 4, GroupState::Offline))); // late, older
        QCOMPARE(v.table("s1")->groups["g1"].state, GroupState::Online);
        QVERIFY(v.offer("s1", table(11, 0, GroupState::Offline)));  // restarted
        QCOMPARE(v.holders("g1", kOrder), QStringList{});
    }

    void roundTripsThroughJson() {
        auto t = table(1234567890123456789ull, 42, GroupState::Pending, true, true);
        t.groups["g1"].pendingKind = lifeline::policy::ActionKind::Deactivate;
        t.groups["g1"].resources.insert("fip1", {lifeline::resources::ResourceState::Error, "in use"});
        t.stopping = true;
        const auto back = GroupTable::fromJson(t.toJson());
        QCOMPARE(back.incarnation, t.incarnation);
        QCOMPARE(back.sequence, 42ull);
        QVERIFY(back.stopping);
        const auto g = back.groups["g1"];
        QCOMPARE(g.state, GroupState::Pending);
        QCOMPARE(g.displayState(), QStringLiteral("Offline Pending"));
        QVERIFY(g.stuck && g.held);
        QCOMPARE(g.resources["fip1"].state, lifeline::resources::ResourceState::Error);
        QCOMPARE(g.resources["fip1"].reason, QStringLiteral("in use"));
    }

    void ownerAndState() {
        GroupView v;
        v.offer("s1", table(1, 1, GroupState::Offline));
        v.offer("s2", table(1, 1, GroupState::Online, false, true));
        const auto o = v.observe("g1", kOrder, {}, {"s3"});
        QCOMPARE(o.owner, QStringLiteral("s2"));
        QCOMPARE(o.state, GroupState::Online);
        QVERIFY(o.held);
        QCOMPARE(o.failedOn, QStringList{"s3"});
        QCOMPARE(v.observe("g2", kOrder, {}, {}).owner, QString()); // nobody reports it
    }

    void twoLiveHoldersHold() {
        GroupView v;
        v.offer("s1", table(1, 1, GroupState::Online));
        v.offer("s2", table(1, 1, GroupState::Online));
        QCOMPARE(v.observe("g1", kOrder, {}, {}).state, GroupState::Pending);
        // One of them known down: the live one is the owner.
        const auto o = v.observe("g1", kOrder, {"s1"}, {});
        QCOMPARE(o.owner, QStringLiteral("s2"));
        QCOMPARE(o.state, GroupState::Online);
    }

    void downHolderIsTheOwnerToFailOverFrom() {
        GroupView v;
        v.offer("s1", table(1, 1, GroupState::Online));
        const auto o = v.observe("g1", kOrder, {"s1"}, {});
        QCOMPARE(o.owner, QStringLiteral("s1"));
        QCOMPARE(o.state, GroupState::Online);
    }

    void stuckOrUnconfirmedHolds() {
        GroupView v;
        v.offer("s1", table(1, 1, GroupState::Error, true));
        QCOMPARE(v.observe("g1", kOrder, {}, {}).state, GroupState::Pending);
        QCOMPARE(v.observe("g1", kOrder, {"s1"}, {}).state, GroupState::Error); // down: it can fail over
        v.offer("s2", table(1, 1, GroupState::Online));
        v.setUnconfirmed("s2");
        QVERIFY(!v.confirmed("s2"));
        const auto o = v.observe("g1", kOrder, {"s1"}, {});
        QCOMPARE(o.owner, QStringLiteral("s2"));
        QCOMPARE(o.state, GroupState::Pending); // came back: wait for its fresh report
        v.offer("s2", table(1, 2, GroupState::Online));
        QVERIFY(v.confirmed("s2"));
        QCOMPARE(v.observe("g1", kOrder, {"s1"}, {}).state, GroupState::Online);
    }
};

QTEST_GUILESS_MAIN(TestGroupView)
#include "tst_group_view.moc"
