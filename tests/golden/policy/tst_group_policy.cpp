// Golden tests of failover-group placement: groups/<case>.input.json gives the
// config and what the cluster observed, groups/<case>.expected.json the target
// owners and ordered actions. LIFELINE_UPDATE_GOLDEN=1 rewrites the expected files.

#include "GroupPolicy.h"

#include <QDir>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRandomGenerator>
#include <QSet>
#include <QTest>

#include <algorithm>

using namespace lifeline::policy;
using lifeline::config::ClusterConfig;

namespace {

const QString kDir = LIFELINE_SOURCE_DIR "/tests/golden/policy/groups";

QJsonObject readJson(const QString& path) {
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        qFatal("cannot read %s", qPrintable(path));
    QJsonParseError err;
    const auto doc = QJsonDocument::fromJson(f.readAll(), &err);
    if (err.error != QJsonParseError::NoError)
        qFatal("%s: %s", qPrintable(path), qPrintable(err.errorString()));
    return doc.object();
}

QStringList strings(const QJsonValue& v) {
    QStringList out;
    for (const auto& s : v.toArray())
        out << s.toString();
    return out;
}

QJsonArray array(const QStringList& l) { return QJsonArray::fromStringList(l); }

lifeline::config::Resource resource(const QString& type, const QString& name) {
    lifeline::config::Resource r;
    r.type = type;
    r.name = name;
    return r;
}

lifeline::config::Server server(const QString& name, int priority) {
    lifeline::config::Server s;
    s.name = name;
    s.priority = priority;
    return s;
}

ClusterConfig configFrom(const QJsonObject& c) {
    ClusterConfig cfg;
    for (const auto& e : c["servers"].toArray()) {
        const auto v = e.toObject();
        lifeline::config::Server s;
        s.name = v["name"].toString();
        s.priority = v["priority"].toInt();
        cfg.servers << s;
    }
    for (const auto& e : c["groups"].toArray()) {
        const auto v = e.toObject();
        lifeline::config::Group g;
        g.name = v["name"].toString();
        g.policy = strings(v["policy"]);
        g.autoStart = v["autoStart"].toBool(true);
        g.autoFailback = v["autoFailback"].toBool(false);
        g.resourceRefs = strings(v["resources"]);
        cfg.groups << g;
    }
    for (const auto& e : c["resources"].toArray()) {
        const auto v = e.toObject();
        lifeline::config::Resource r;
        r.type = v["type"].toString();
        r.name = v["name"].toString();
        r.depends = strings(v["depends"]);
        cfg.resources << r;
    }
    return cfg;
}

GroupPolicyInput inputFrom(const QJsonObject& in) {
    GroupPolicyInput input;
    input.eligible = strings(in["eligible"]);
    input.down = strings(in["down"]);
    input.clusterStart = in["clusterStart"].toBool();
    const auto groups = in["groups"].toObject();
    for (auto it = groups.begin(); it != groups.end(); ++it) {
        const auto o = it.value().toObject();
        GroupObservation obs;
        obs.owner = o["owner"].toString();
        if (!parseGroupState(o["state"].toString(QStringLiteral("offline")), &obs.state))
            qFatal("bad state for %s", qPrintable(it.key()));
        obs.failedOn = strings(o["failedOn"]);
        obs.held = o["held"].toBool();
        obs.lostFrom = o["lostFrom"].toString();
        input.groups.insert(it.key(), obs);
    }
    for (const auto& e : in["requests"].toArray()) {
        const auto v = e.toObject();
        OperatorRequest r;
        if (!parseRequestKind(v["kind"].toString(), &r.kind))
            qFatal("bad request kind %s", qPrintable(v["kind"].toString()));
        r.group = v["group"].toString();
        r.server = v["server"].toString();
        input.requests << r;
    }
    return input;
}

QJsonObject toJson(const ClusterConfig& cfg, const QList<GroupDecision>& decisions) {
    QJsonArray groups;
    for (const auto& d : decisions) {
        QJsonObject o{{"group", d.group},
                      {"target", d.target},
                      {"outcome", outcomeName(d.outcome)},
                      {"reason", d.reason},
                      {"alert", d.alert},
                      {"clearFailures", d.clearFailures}};
        if (!d.rejected.isEmpty())
            o["rejected"] = d.rejected;
        QJsonArray actions;
        for (const auto& a : d.actions)
            actions.append(QStringLiteral("%1 %2 %3 %4").arg(a.wave).arg(a.server,
                                                               actionKindName(a.kind), a.resource));
        o["actions"] = actions;
        QJsonArray waves;
        for (const auto& w : activationWaves(cfg, *cfg.group(d.group)))
            waves.append(array(w));
        o["activationWaves"] = waves;
        groups.append(o);
    }
    return QJsonObject{{"groups", groups}};
}

// A line diff (LCS) of two texts, "-" expected, "+" actual, with three lines
// of context around each change, for failure messages.
QString lineDiff(const QString& expected, const QString& actual) {
    const auto a = expected.split('\n'), b = actual.split('\n');
    const auto n = a.size(), m = b.size();
    QList<QList<int>> l(n + 1, QList<int>(m + 1, 0));
    for (auto i = n - 1; i >= 0; --i)
        for (auto j = m - 1; j >= 0; --j)
            l[i][j] = a[i] == b[j] ? l[i + 1][j + 1] + 1 : std::max(l[i + 1][j], l[i][j + 1]);
    QStringList lines; // "  x", "- x", "+ x"
    qsizetype i = 0, j = 0;
    while (i < n || j < m) {
        if (i < n && j < m && a[i] == b[j]) {
            lines << "  " + a[i];
            ++i, ++j;
        } else if (i < n && (j == m || l[i + 1][j] >= l[i][j + 1])) {
            lines << "- " + a[i++];
        } else {
            lines << "+ " + b[j++];
        }
    }
    constexpr qsizetype kContext = 3;
    QString out;
    qsizetype printed = -1;
    for (qsizetype k = 0; k < lines.size(); ++k) {
        if (lines[k].startsWith(' '))
            continue;
        const auto from = std::max(k - kContext, printed + 1);
        if (printed >= 0 && from > printed + 1)
            out += "  ...\n";
        const auto to = std::min(k + kContext, lines.size() - 1);
        for (auto c = from; c <= to; ++c)
            out += lines[c] + '\n';
        printed = std::max(printed, to);
    }
    return out;
}

} // namespace

class TestGroupPolicy : public QObject {
    Q_OBJECT
private slots:
    void golden_data() {
        QTest::addColumn<QString>("name");
        const auto inputs = QDir(kDir).entryList({"*.input.json"}, QDir::Files, QDir::Name);
        QVERIFY(inputs.size() >= 9);
        for (const auto& f : inputs)
            QTest::newRow(qPrintable(f)) << f.chopped(QString(".input.json").size());
    }

    void golden() {
        QFETCH(QString, name);
        const auto in = readJson(kDir + "/" + name + ".input.json");
        const auto cfg = configFrom(in["config"].toObject());
        const auto actual = QString::fromUtf8(
            QJsonDocument(toJson(cfg, decideGroups(cfg, inputFrom(in)))).toJson());
        const QString path = kDir + "/" + name + ".expected.json";
        if (qEnvironmentVariableIntValue("LIFELINE_UPDATE_GOLDEN") == 1) {
            QFile f(path);
            QVERIFY(f.open(QIODevice::WriteOnly | QIODevice::Truncate));
            f.write(actual.toUtf8());
            return;
        }
        const auto expected = QString::fromUtf8(QJsonDocument(readJson(path)).toJson());
        if (actual != expected)
            QFAIL(qPrintable(QStringLiteral("%1 differs (- expected, + actual):\n%2")
                                 .arg(path, lineDiff(expected, actual))));
    }

    void wavesReverseForDeactivation() {
        ClusterConfig cfg;
        cfg.groups << lifeline::config::Group{};
        cfg.groups[0].resourceRefs = {"exec@e", "disk@d", "fip@f"};
        cfg.resources << resource("exec", "e") << resource("disk", "d")
                      << resource("fip", "f");
        const QList<QStringList> act{{"f"}, {"d"}, {"e"}};
        QCOMPARE(activationWaves(cfg, cfg.groups[0]), act);
        const QList<QStringList> deact{{"e"}, {"d"}, {"f"}};
        QCOMPARE(deactivationWaves(cfg, cfg.groups[0]), deact);
    }

    // Over many random inputs: no group activates on a second server while
    // another still holds it (deactivation of the holder comes first), every
    // target is eligible and may run the group, and a holder that is neither
    // eligible nor known down is never touched.
    void neverTwoOwners() {
        QRandomGenerator rng(20261122);
        const QStringList types{"fip", "vip", "volmgr", "disk", "exec", "nas"};
        const QList<GroupState> states{GroupState::Offline, GroupState::Online, GroupState::Pending,
                                       GroupState::Error};
        const QList<RequestKind> kinds{RequestKind::Start, RequestKind::Stop, RequestKind::Move,
                                       RequestKind::Clear};
        for (int iter = 0; iter < 5000; ++iter) {
            ClusterConfig cfg;
            const int nServers = 1 + int(rng.bounded(4));
            QStringList all;
            for (int s = 0; s < nServers; ++s) {
                all << QStringLiteral("s%1").arg(s + 1);
                cfg.servers << server(all.last(), int(rng.bounded(10)));
            }
            auto subset = [&](const QStringList& from, int percent) {
                QStringList out;
                for (const auto& s : from)
                    if (int(rng.bounded(100)) < percent)
                        out << s;
                return out;
            };
            GroupPolicyInput in;
            in.eligible = subset(all, 70);
            in.down = subset(all, 20);
            in.clusterStart = rng.bounded(2) == 0;
            const int nGroups = 1 + int(rng.bounded(3));
            for (int gi = 0; gi < nGroups; ++gi) {
                lifeline::config::Group g;
                g.name = QStringLiteral("g%1").arg(gi + 1);
                if (rng.bounded(2) == 0) {
                    g.policy = subset(all, 80);
                    std::shuffle(g.policy.begin(), g.policy.end(), rng);
                }
                g.autoStart = rng.bounded(2) == 0;
                g.autoFailback = rng.bounded(2) == 0;
                const int nRes = 1 + int(rng.bounded(4));
                for (int r = 0; r < nRes; ++r) {
                    auto res = resource(types[int(rng.bounded(types.size()))],
                                        QStringLiteral("%1r%2").arg(g.name).arg(r));
                    if (r > 0 && rng.bounded(3) == 0)
                        res.depends << QStringLiteral("%1r%2").arg(g.name).arg(rng.bounded(r));
                    g.resourceRefs << res.type + '@' + res.name;
                    cfg.resources << res;
                }
                cfg.groups << g;
                GroupObservation obs;
                obs.state = states[int(rng.bounded(states.size()))];
                if (obs.state != GroupState::Offline && rng.bounded(4) != 0)
                    obs.owner = all[int(rng.bounded(all.size()))];
                obs.failedOn = subset(all, 30);
                if (rng.bounded(4) == 0)
                    obs.lostFrom = all[int(rng.bounded(all.size()))];
                in.groups.insert(g.name, obs);
                if (rng.bounded(3) == 0)
                    in.requests << OperatorRequest{kinds[int(rng.bounded(kinds.size()))], g.name,
                                                   rng.bounded(2) ? all[int(rng.bounded(all.size()))] : QString()};
            }
            const auto decisions = decideGroups(cfg, in);
            QCOMPARE(decisions.size(), cfg.groups.size());
            for (const auto& d : decisions) {
                const auto& obs = in.groups[d.group];
                const auto* g = cfg.group(d.group);
                const QString ctx = QStringLiteral("iteration %1 group %2").arg(iter).arg(d.group);
                // The holder: the observed owner unless it is known down.
                QString holder = in.down.contains(obs.owner) ? QString() : obs.owner;
                QSet<QString> activatedOn;
                int lastWave = 0;
                for (const auto& a : d.actions) {
                    QVERIFY2(a.wave >= lastWave, qPrintable(ctx + ": waves out of order"));
                    lastWave = a.wave;
                    if (a.kind == ActionKind::Deactivate) {
                        QVERIFY2(activatedOn.isEmpty(), qPrintable(ctx + ": deactivation after activation"));
                        QVERIFY2(a.server == holder, qPrintable(ctx + ": deactivates a non-holder"));
                    } else {
                        activatedOn.insert(a.server);
                        QVERIFY2(holder.isEmpty() || holder == a.server ||
                                     d.actions.first().kind == ActionKind::Deactivate,
                                 qPrintable(ctx + ": activation while another server holds it"));
                    }
                }
                QVERIFY2(activatedOn.size() <= 1, qPrintable(ctx + ": activates on two servers"));
                if (!activatedOn.isEmpty()) {
                    const auto t = *activatedOn.begin();
                    QCOMPARE(d.target, t);
                    QVERIFY2(in.eligible.contains(t) && !in.down.contains(t) &&
                                 cfg.serversFor(*g).contains(t),
                             qPrintable(ctx + ": target " + t + " is not eligible"));
                    // The holder's resources are all released before activation.
                    if (!holder.isEmpty()) {
                        qsizetype deact = 0;
                        for (const auto& a : d.actions)
                            deact += a.kind == ActionKind::Deactivate;
                        QCOMPARE(deact, g->resourceRefs.size());
                    }
                }
                if (!obs.owner.isEmpty() && !in.down.contains(obs.owner) && !in.eligible.contains(obs.owner))
                    QVERIFY2(d.actions.isEmpty() && d.target == obs.owner,
                             qPrintable(ctx + ": touched a group whose owner is not known down"));
                if (d.actions.isEmpty() && !d.target.isEmpty() && d.target != obs.owner)
                    QFAIL(qPrintable(ctx + ": target changed without actions"));
            }
        }
    }
};

QTEST_GUILESS_MAIN(TestGroupPolicy)
#include "tst_group_policy.moc"
