#include "ClusterService.h"

#include "BlockDevice.h"
#include "DiskLock.h"
#include "DiskSlot.h"
#include "HeartbeatManager.h"
#include "IsolationWatch.h"
#include "PartitionResolver.h"
#include "PingProber.h"
#include "CommandRunner.h"
#include "Schema.h"

#include <QHostAddress>
#include <QJsonArray>

#include <climits>
#include <ctime>

namespace lifeline::daemon {

namespace {

quint64 realtimeNs() {
    timespec ts{};
    clock_gettime(CLOCK_REALTIME, &ts);
    return quint64(ts.tv_sec) * 1000000000ull + quint64(ts.tv_nsec);
}

QString typeComment(config::schema::ObjectClass cls, const QString& type, const QString& comment) {
    if (!comment.isEmpty())
        return comment;
    const auto* info = config::schema::typeInfo(cls, type);
    return info ? QString::fromLatin1(info->description) : QString();
}

} // namespace

ClusterService::ClusterService(Setup setup, QObject* parent)
    : QObject(parent), paths_(setup.paths), local_(setup.local), config_(std::move(setup.config)),
      document_(std::move(setup.document)), configHash_(document_.contentHash()),
      heartbeatKey_(std::move(setup.heartbeatKey)), power_(std::move(setup.power)),
      alerts_(local_, paths_.logDir()), incarnation_(realtimeNs()),
      executor_(paths_, local_, config_, incarnation_),
      coordinator_(config_, view_, [this](const QString& server, const engine::RunRequest& request,
                                          std::function<void(const engine::RunResult&)> done) {
          dispatch(server, request, std::move(done));
      }),
      monitors_(paths_, local_, config_, [this](const QString& r) { return executor_.resourceDriver(r); }) {
    connect(&monitors_, &engine::MonitorRunner::alert, this, &ClusterService::raiseEngineAlert);
    connect(&monitors_, &engine::MonitorRunner::recoveryNeeded, this, &ClusterService::runMonitorRecovery);
    connect(&monitors_, &engine::MonitorRunner::countersChanged, this,
            [this](const QString& monitor, const policy::MonitorCounters& counters) {
                executor_.setMonitorCounters(monitor, counters);
            });
    monitors_.setOtherServersCounters([this](const QString& monitor) {
        policy::MonitorCounters sum;
        for (const auto& peer : peers())
            if (const auto* table = view_.table(peer))
                sum += table->monitorCounters.value(monitor);
        return sum;
    });
    powerOption_ = setup.powerOption.isEmpty() ? QStringLiteral("real") : setup.powerOption;
    connect(&keepalive_, &monitors::KeepaliveClient::supervisorEnded, this, [this](int code, const QString& detail) {
        alerts_.error(QStringLiteral("mon"), engine::alert::MonitorError,
                      QStringLiteral("userw: the keepalive supervisor ended (%1): %2").arg(code).arg(detail));
    });
    freezeCheck_.setTimerType(Qt::PreciseTimer);
    freezeCheck_.setInterval(std::max(20, std::min(100, config_.cluster.heartbeatIntervalMs / 2)));
    connect(&freezeCheck_, &QTimer::timeout, this, &ClusterService::checkFrozen);
    connect(&executor_, &engine::GroupExecutor::alert, this, &ClusterService::raiseEngineAlert);
    connect(&coordinator_, &engine::GroupCoordinator::alert, this, &ClusterService::raiseEngineAlert);
    connect(&coordinator_, &engine::GroupCoordinator::reevaluate, this, &ClusterService::evaluateSoon);
    connect(&coordinator_, &engine::GroupCoordinator::lostGroupHandled, this, [this](const QString& group) {
        lostGroups_.remove(group);
        lostOverridden_.insert(group); // the peers' marks of it no longer count here
    });
    connect(&executor_, &engine::GroupExecutor::serverFinalAction, this, [this](int code, const QString& why) {
        // Queued: the executor is still inside its run when it asks.
        QMetaObject::invokeMethod(this, [this, code, why] { performFinalAction(code, why); }, Qt::QueuedConnection);
    });
    connect(&executor_, &engine::GroupExecutor::tableChanged, this, [this] {
        view_.offer(local_, executor_.table());
        noteGroupsOnline(local_, executor_.table());
        forgetHeldLostGroups();
        monitors_.setActiveResources(executor_.onlineResources());
        pushGroupTable();
        evaluateSoon();
    });
    // Never two owners, even while two servers briefly both think they lead.
    executor_.setHeldElsewhere([this](const QString& group) {
        QStringList order;
        for (const auto& s : config_.serversByPriority())
            if (s.name != local_ && !down_.contains(s.name))
                order << s.name;
        return view_.holders(group, order).value(0);
    });
    evaluateTimer_.setSingleShot(true);
    evaluateTimer_.setInterval(0);
    connect(&evaluateTimer_, &QTimer::timeout, this, &ClusterService::evaluateGroups);
    periodic_.setInterval(std::max(200, std::min(1000, config_.cluster.heartbeatIntervalMs * 2)));
    connect(&periodic_, &QTimer::timeout, this, [this] {
        pushGroupTable();
        pushMonitorStates();
        evaluateGroups();
    });
    // Every server tells the others its monitor states: at once when one changes (coalesced
    // on the event loop), when a server is heard again, and with every periodic_ tick (at
    // most 1 s) so that a lost push is mended within a second. A push is an asynchronous RPC
    // answered with the receiver's states, so both sides learn, and nothing here waits:
    // asking every peer while `status` is answered would hold each clpstat up to the slowest
    // peer's timeout. A report older than three ticks is not believed (MonitorStates).
    monitorPush_.setSingleShot(true);
    monitorPush_.setInterval(0);
    connect(&monitorPush_, &QTimer::timeout, this, &ClusterService::pushMonitorStates);
    connect(&monitors_, &engine::MonitorRunner::stateChanged, this, [this] { monitorPush_.start(); });
    monitorStates_.setStaleMs(3 * periodic_.interval() + 1000);
    view_.offer(local_, executor_.table());
    heartbeatThread_.setObjectName(QStringLiteral("heartbeat"));
    syncWait_.setSingleShot(true);
    connect(&syncWait_, &QTimer::timeout, this, [this] {
        QStringList missing;
        for (const auto& p : peers())
            if (!peers_.value(p).up)
                missing << p;
        alerts_.warning(QStringLiteral("cluster"), alert::ServerSyncTimeout,
                        QStringLiteral("Server sync wait time (%1 s) is over; starting without %2.")
                            .arg(config_.cluster.syncWaitMs / 1000.0)
                            .arg(missing.join(QStringLiteral(", "))));
        setState(ClusterState::Online);
        alerts_.info(QStringLiteral("cluster"), alert::ClusterStarted,
                     QStringLiteral("The cluster service has started."));
    });

    setUpPartitionResolution();

    for (const auto& p : peers())
        peers_.insert(p, Peer{});
}

// Network partition resolution as the configuration sets it up (again after a push).
void ClusterService::setUpPartitionResolution() {
    // Ping NP: the first pingnp resource whose device this server has.
    const auto* me = config_.server(local_);
    for (const auto& np : config_.npResources) {
        if (np.type != QLatin1String("pingnp") || !me || !me->device(np.deviceId))
            continue;
        QList<QHostAddress> targets;
        for (const auto& group : np.targetGroups)
            for (const auto& ip : group)
                targets << QHostAddress(ip);
        prober_ = std::make_unique<np::PingProber>(targets, np.intervalMs, np.timeoutMs, np.retry);
        connect(prober_.get(), &np::PingProber::reachabilityChanged, this,
                [this, name = np.name, answeredBefore = false](bool ok) mutable {
            if (ok && !answeredBefore)
                answeredBefore = true; // the first answer after start is no news
            else if (ok)
                alerts_.info(QStringLiteral("np"), alert::PingTargetBack,
                             QStringLiteral("A ping target of %1 answers again.").arg(name));
            else
                alerts_.warning(QStringLiteral("np"), alert::PingTargetLost,
                                QStringLiteral("No ping target of %1 answers: network partition "
                                               "resolution by ping cannot work until one does.")
                                    .arg(name));
        });
        break;
    }
    // Disk NP: the first disknp resource whose device this server has.
    for (const auto& np : config_.npResources) {
        const auto* device = me ? me->device(np.deviceId) : nullptr;
        if (np.type != QLatin1String("disknp") || !device)
            continue;
        np::DiskLock::Settings lock;
        lock.name = np.name;
        lock.device = device->info.trimmed();
        lock.description = hb::describeBlockDevice(lock.device);
        for (const auto& s : config_.serversByPriority()) {
            if (s.name == local_)
                lock.localSlot = int(lock.slotNames.size());
            lock.slotNames << s.name;
        }
        lock.clusterId = hb::DiskSlot::clusterIdOf(config_.cluster.name);
        lock.key = heartbeatKey_;
        lock.incarnation = incarnation_;
        lock.renewMs = config_.cluster.heartbeatIntervalMs;
        lock.leaseMs = config_.cluster.heartbeatTimeoutMs;
        lock.ioTimeoutMs = np.timeoutMs;
        lock.checkMs = np.intervalMs;
        diskLock_ = std::make_unique<np::DiskLock>(lock);
        connect(diskLock_.get(), &np::DiskLock::healthChanged, this, [this](bool ok, const QString& m) {
            if (ok)
                alerts_.info(QStringLiteral("np"), alert::DiskLockPathBack, m + QLatin1Char('.'));
            else
                alerts_.warning(QStringLiteral("np"), alert::DiskLockPathLost,
                                m + QStringLiteral(": network partition resolution by disk cannot "
                                                   "work until it can."));
        });
        connect(diskLock_.get(), &np::DiskLock::lost, this, [this](const QString& reason) {
            if (state_ == ClusterState::Stopped)
                return;
            alerts_.error(QStringLiteral("np"), alert::DiskLockLost,
                          QStringLiteral("This server lost the disk lock it took in a network "
                                         "partition: %1.").arg(reason));
            performFinalAction(config_.cluster.npAction,
                               QStringLiteral("another server holds the disk lock of the partition"));
        });
        break;
    }
    np::PartitionResolver::Settings settings;
    for (const auto& s : config_.serversByPriority())
        settings.servers << s.name;
    settings.local = local_;
    settings.settleMs = 2 * config_.cluster.heartbeatIntervalMs;
    settings.pingCheckMs = 1000;
    for (const auto& np : config_.npResources)
        if (np.type == QLatin1String("pingnp"))
            settings.pingCheckMs = np.timeoutMs;
    pingCheckMs_ = settings.pingCheckMs;
    // A server that runs no group lets one that does try the disk lock first, so that a tie
    // normally keeps the groups where they are.
    auto lockDelay = [this] {
        for (const auto& g : executor_.table().groups)
            if (g.active())
                return 0;
        return diskLock_ ? diskLock_->settings().ioTimeoutMs + diskLock_->settings().renewMs : 0;
    };
    resolver_ = std::make_unique<np::PartitionResolver>(settings, prober_.get(), diskLock_.get(),
                                                        [this] { return reachablePeers(); },
                                                        lockDelay);
    connect(resolver_.get(), &np::PartitionResolver::resolved, this,
            &ClusterService::onPartitionResolved);
    connect(resolver_.get(), &np::PartitionResolver::isolatedEarly, this, &ClusterService::onIsolatedEarly);
    isolationWatch_ = std::make_unique<np::IsolationWatch>(
        [this] {
            QHash<QString, qint64> out;
            if (!heartbeats_ || state_ != ClusterState::Online)
                return out;
            for (const auto& p : heartbeats_->snapshot().peers)
                if (p.status == cluster::PeerStatus::Up && !p.left && p.lastHeardAgeMs() >= 0)
                    out.insert(p.name, p.lastHeardAgeMs());
            return out;
        },
        resolver_.get());
    isolationWatch_->setCheck(policy::earlyIsolationCheck(takeoverTimings()));
    isolationFence_.setSingleShot(true);
    isolationFence_.setTimerType(Qt::PreciseTimer);
    connect(&isolationFence_, &QTimer::timeout, this, &ClusterService::enforceIsolation);
}

ClusterService::~ClusterService() {
    stopHeartbeats(true);
}

QStringList ClusterService::peers() const {
    QStringList out;
    for (const auto& s : config_.serversByPriority())
        if (s.name != local_)
            out << s.name;
    return out;
}

QStringList ClusterService::reachablePeers() const {
    QStringList out;
    for (auto it = peers_.begin(); it != peers_.end(); ++it)
        if (it->up)
            out << it.key();
    return out;
}

void ClusterService::setState(ClusterState state) {
    if (state == state_)
        return;
    state_ = state;
    // Monitors run while the cluster is Online (a suspended cluster keeps its
    // groups but watches nothing).
    if (state == ClusterState::Online)
        monitors_.start();
    else
        monitors_.stop();
    evaluateSoon();
    if (heartbeats_)
        heartbeats_->setLocalState(quint8(state)); // thread-safe: queued to the heartbeat thread
    emit stateChanged(state);
}

bool ClusterService::start(QString* error) {
    if (state_ != ClusterState::Stopped)
        return true;
    if (startCheck_ && !startCheck_(error))
        return false;
    if (prober_ && !prober_->start(error))
        return false;
    if (diskLock_)
        diskLock_->start();

    createHeartbeats();
    for (auto& p : peers_)
        p = Peer{};
    down_.clear();
    stopping_ = false;
    executor_.setStopping(false);
    executor_.setClusterStarted(false); // learnt again from the servers already running
    executor_.observeAll();
    periodic_.start();
    lastAwake_.start();
    heartbeatsSent_ = 0;
    freezeCheck_.start();
    isolationFence_.stop(); // started again by an operator: the isolation is over
    isolationWatch_->start(freezeCheck_.interval());
    startKeepalive();
    setState(ClusterState::Starting);
    for (const auto& issue : heartbeats_->setupIssues())
        alerts_.warning(QStringLiteral("hb"), alert::PathOffline, issue);
    heartbeats_->start(); // a path that cannot open yet is retried and reported by pathError
    syncWait_.start(config_.cluster.syncWaitMs);
    checkSyncComplete();
    return true;
}

// A heartbeat manager for config_ on its thread (started by the caller).
void ClusterService::createHeartbeats() {
    heartbeats_ = new cluster::HeartbeatManager(config_, local_, heartbeatKey_, configHash_, incarnation_);
    heartbeats_->moveToThread(&heartbeatThread_);
    connect(heartbeats_, &cluster::HeartbeatManager::peerUp, this, &ClusterService::onPeerUp);
    connect(heartbeats_, &cluster::HeartbeatManager::peerDown, this, &ClusterService::onPeerDown);
    connect(heartbeats_, &cluster::HeartbeatManager::pathStateChanged, this,
            &ClusterService::onPathStateChanged);
    connect(heartbeats_, &cluster::HeartbeatManager::peerConfigHash, this,
            &ClusterService::onPeerConfigHash);
    connect(heartbeats_, &cluster::HeartbeatManager::peerStateChanged, this,
            &ClusterService::onPeerState);
    connect(heartbeats_, &cluster::HeartbeatManager::pathError, this,
            [this](const QString& path, const QString& message) {
                alerts_.warning(QStringLiteral("hb"), alert::PathOffline,
                                QStringLiteral("Heartbeat %1 cannot be used: %2 (retrying).").arg(path, message));
            });
    heartbeats_->setTimeoutRatio(timeoutRatio_);
    heartbeatThread_.start(QThread::TimeCriticalPriority);
}

void ClusterService::checkSyncComplete() {
    if (state_ != ClusterState::Starting)
        return;
    for (const auto& p : peers_)
        if (!p.up)
            return;
    syncWait_.stop();
    setState(ClusterState::Online);
    alerts_.info(QStringLiteral("cluster"), alert::ClusterStarted,
                 QStringLiteral("The cluster service has started."));
}

void ClusterService::stopHeartbeats(bool graceful) {
    if (!heartbeats_)
        return;
    heartbeats_->stop(graceful); // waits for the heartbeat thread
    heartbeatThread_.quit();
    heartbeatThread_.wait();
    delete heartbeats_;
    heartbeats_ = nullptr;
}

void ClusterService::stop(std::function<void()> done) {
    if (state_ == ClusterState::Stopped) {
        if (done)
            done();
        return;
    }
    if (done)
        stopWaiters_ << std::move(done);
    if (stopping_)
        return; // already releasing the groups
    stopping_ = true;
    executor_.setStopping(true); // the leader places nothing here any more
    coordinator_.dropRequests(QStringLiteral("the cluster service on %1 is stopping").arg(local_));
    executor_.releaseAll(resources::ResourceEvent::Stop, [this](bool ok) {
        // A group that could not be released has had its final action asked
        // for; if that did not already end the service, leave anyway.
        Q_UNUSED(ok);
        stopNow(true);
    });
}

void ClusterService::stopNow(bool graceful) {
    ++stopGeneration_;
    if (state_ != ClusterState::Stopped) {
        syncWait_.stop();
        periodic_.stop();
        freezeCheck_.stop();
        isolationWatch_->stop(); // (not the fence: an isolated server that stops must be down in time)
        keepalive_.stop(); // a stop in order is no stall
        evaluateTimer_.stop();
        resolver_->cancel();
        pushGroupTable();
        stopHeartbeats(graceful);
        if (prober_)
            prober_->stop();
        if (diskLock_)
            diskLock_->stop();
        for (auto& p : peers_)
            p = Peer{};
        setState(ClusterState::Stopped);
        alerts_.info(QStringLiteral("cluster"), alert::ClusterStopped,
                     QStringLiteral("The cluster service has stopped."));
    }
    stopping_ = false;
    for (const auto& w : std::exchange(stopWaiters_, {}))
        w();
}

// Heartbeats keep flowing while suspended (they carry the Suspended state), so
// that resuming servers one after the other cannot look like a failure; what
// stops is acting on what they say.
bool ClusterService::suspend(QString* error) {
    if (state_ == ClusterState::Suspended)
        return true;
    if (state_ != ClusterState::Online) {
        if (error)
            *error = QStringLiteral("the cluster service is %1, not Online").arg(clusterStateName(state_));
        return false;
    }
    resolver_->cancel();
    setState(ClusterState::Suspended);
    alerts_.info(QStringLiteral("cluster"), alert::ClusterSuspended,
                 QStringLiteral("The cluster service has been suspended."));
    return true;
}

bool ClusterService::resume(QString* error) {
    if (state_ != ClusterState::Suspended) {
        if (error)
            *error = QStringLiteral("the cluster service is %1, not Suspended").arg(clusterStateName(state_));
        return false;
    }
    setState(ClusterState::Online);
    alerts_.info(QStringLiteral("cluster"), alert::ClusterResumed,
                 QStringLiteral("The cluster service has been resumed."));
    // Servers lost while suspended were never resolved: do it now.
    const qint64 now = np::PingProber::nowMs();
    for (auto it = peers_.begin(); it != peers_.end(); ++it)
        if (it->everHeard && !it->up && it->state != int(ClusterState::Stopped))
            resolver_->peerLost(it.key(), now - effectiveTimeoutMs());
    return true;
}

void ClusterService::setTimeoutRatio(double ratio) {
    if (ratio <= 0)
        return;
    const bool changed = ratio != timeoutRatio_;
    timeoutRatio_ = ratio;
    if (heartbeats_)
        heartbeats_->setTimeoutRatio(ratio);
    monitors_.setTimeoutRatio(ratio);
    if (isolationWatch_)
        isolationWatch_->setCheck(policy::earlyIsolationCheck(takeoverTimings()));
    // userw's supervisor counts down on its own: start it again with the new timeout.
    if (changed && keepalive_.isActive()) {
        keepalive_.stop();
        startKeepalive();
    }
}

void ClusterService::onPeerUp(const QString& peer) {
    auto& p = peers_[peer];
    const bool wasKnown = p.everHeard;
    p.up = true;
    p.everHeard = true;
    down_.remove(peer);
    failoverTimes_.serverBack(peer);
    monitorPush_.start();
    view_.setUnconfirmed(peer); // until it reports what it holds now
    if (peerCall_)
        peerCall_(peer, QStringLiteral("groups.get"), {}, 2000,
                  [this, peer](bool ok, const QJsonObject& result, const QString&) {
                      if (ok)
                          acceptGroupTable(peer, result.value("table").toObject());
                  });
    pushGroupTable();
    evaluateSoon();
    resolver_->peerBack(peer);
    // The partition is over once every server is heard again: nobody holds the lock then.
    if (diskLock_ && !resolver_->busy() && reachablePeers().size() == peers_.size())
        diskLock_->release();
    if (!quietPeerUp_.remove(peer))
        alerts_.info(QStringLiteral("cluster"), alert::ServerUp,
                     wasKnown ? QStringLiteral("Server %1 is up again.").arg(peer)
                              : QStringLiteral("Server %1 is up.").arg(peer));
    // Listeners first (the license gate asks the server's CPUs before it counts them at Online).
    emit peerUp(peer);
    checkSyncComplete();
}

void ClusterService::onPeerDown(const QString& peer, bool graceful) {
    auto& p = peers_[peer];
    p.up = false;
    for (auto& normal : p.paths)
        normal = false;
    evaluateSoon();
    if (graceful) {
        // It released its groups before leaving (ClusterService::stop).
        down_.insert(peer);
        p.state = int(ClusterState::Stopped);
        alerts_.info(QStringLiteral("cluster"), alert::ServerLeft,
                     QStringLiteral("Server %1 stopped its cluster service.").arg(peer));
        return;
    }
    if (!p.everHeard) {
        // Not a failure: it has not started (it owns nothing this server could take).
        alerts_.warning(QStringLiteral("cluster"), alert::ServerDown,
                        QStringLiteral("Server %1 has not been heard since this server started.").arg(peer));
        return;
    }
    alerts_.error(QStringLiteral("cluster"), alert::ServerDown,
                  QStringLiteral("Server %1 is down: no heartbeat on any path for %2 ms.")
                      .arg(peer)
                      .arg(effectiveTimeoutMs()));
    if (state_ != ClusterState::Online)
        return;
    const qint64 now = np::PingProber::nowMs();
    // Detection starts with the last packet heard on any path (the freshest path).
    const auto snapshot = heartbeats_ ? heartbeats_->snapshot() : cluster::MembershipSnapshot{};
    const auto* seen = snapshot.peer(peer);
    const qint64 lastHeardAgeMs = seen ? seen->lastHeardAgeMs() : -1;
    QStringList held;
    if (const auto* table = view_.table(peer))
        for (auto it = table->groups.begin(); it != table->groups.end(); ++it)
            if (it->active())
                held << it.key();
    failoverTimes_.serverLost(peer, held, lastHeardAgeMs >= 0 ? now - lastHeardAgeMs : -1, now);
    for (const auto& group : held) {
        lostGroups_.insert(group, peer);
        lostOverridden_.remove(group);
    }
    resolver_->peerLost(peer, now - effectiveTimeoutMs());
}

// Normal paths to `peer` that are not LAN heartbeats (disk, COM); empty when a LAN path is Normal.
QStringList ClusterService::nonNetworkPathsOnly(const QString& peer) const {
    const Peer p = peers_.value(peer);
    QStringList others;
    for (auto it = p.paths.begin(); it != p.paths.end(); ++it) {
        if (!it.value())
            continue;
        const auto* hb = config_.heartbeat(it.key());
        if (hb && (hb->kind() == config::HeartbeatKind::Lan || hb->kind() == config::HeartbeatKind::KernelLan))
            return {};
        others << it.key();
    }
    return p.up ? others : QStringList();
}

// A peer heard only over disk or COM heartbeats is alive (nothing fails over), but the
// cluster's network is gone between the two: say so once, and when a LAN path is back.
// Checked again after two intervals: a server that powers off loses its LAN paths a
// moment before its disk path, which is no news.
void ClusterService::checkNetworkPaths(const QString& peer) {
    auto& p = peers_[peer];
    if (nonNetworkPathsOnly(peer).isEmpty()) {
        if (p.nonNetworkOnly && p.up)
            alerts_.info(QStringLiteral("hb"), alert::NetworkPathBack,
                         QStringLiteral("Server %1 is heard over a LAN heartbeat again.").arg(peer));
        p.nonNetworkOnly = false;
        return;
    }
    if (p.nonNetworkOnly)
        return;
    QTimer::singleShot(2 * config_.cluster.heartbeatIntervalMs, this, [this, peer] {
        auto& p = peers_[peer];
        const QStringList others = nonNetworkPathsOnly(peer);
        if (others.isEmpty() || p.nonNetworkOnly)
            return;
        p.nonNetworkOnly = true;
        alerts_.warning(QStringLiteral("hb"), alert::NonNetworkPathsOnly,
                        QStringLiteral("Server %1 is heard only over %2: every LAN heartbeat to it is lost. "
                                       "Both servers are alive and nothing fails over; the cluster runs on "
                                       "non-network paths until a LAN path is back.")
                            .arg(peer, others.join(QStringLiteral(", "))));
    });
}

void ClusterService::onPathStateChanged(const QString& peer, const QString& path, bool normal) {
    auto& p = peers_[peer];
    const bool known = p.paths.contains(path);
    const bool was = p.paths.value(path, false);
    p.paths[path] = normal;
    checkNetworkPaths(peer);
    // The first word of a path is not news; a server that is down or leaving loses
    // every path, which is its own alert. Path events come before the peer's own,
    // so ask the heartbeat thread's current view.
    if (!known || normal == was || !p.up)
        return;
    if (!normal && heartbeats_) {
        const auto view = heartbeats_->snapshot();
        const auto* seen = view.peer(peer);
        if (seen && (seen->left || seen->status != cluster::PeerStatus::Up))
            return;
    }
    if (normal)
        alerts_.info(QStringLiteral("hb"), alert::PathNormal,
                     QStringLiteral("Heartbeat %1 to server %2 is Normal again.").arg(path, peer));
    else
        alerts_.warning(QStringLiteral("hb"), alert::PathOffline,
                        QStringLiteral("Heartbeat %1 to server %2 is Offline; the cluster goes "
                                       "on over the other paths.")
                            .arg(path, peer));
}

void ClusterService::onPeerConfigHash(const QString& peer, const QByteArray& hash) {
    auto& p = peers_[peer];
    const bool wasMismatch = !p.configHash.isEmpty() && !sameConfig(p.configHash);
    p.configHash = hash;
    const bool mismatch = !sameConfig(hash);
    if (mismatch && !wasMismatch)
        alerts_.warning(QStringLiteral("cluster"), alert::ConfigMismatch,
                        QStringLiteral("Server %1 runs a different configuration (%2, here %3): "
                                       "no group starts until they match.")
                            .arg(peer, QString::fromLatin1(hash.toHex().left(12)),
                                 QString::fromLatin1(configHash_.toHex().left(12))));
    else if (!mismatch && wasMismatch)
        alerts_.info(QStringLiteral("cluster"), alert::ConfigMatch,
                     QStringLiteral("Server %1 runs the same configuration again.").arg(peer));
}

void ClusterService::onPeerState(const QString& peer, int state) {
    peers_[peer].state = state;
    evaluateSoon();
}

void ClusterService::onPartitionResolved(const policy::PartitionDecision& d, const QStringList& lost) {
    const QString servers = lost.join(QStringLiteral(", "));
    const QString text = QStringLiteral("Network partition resolution for %1 (%2): %3; %4.")
                             .arg(servers, d.method, policy::verdictName(d.verdict), d.reason);
    for (const auto& peer : lost)
        verdicts_.append({{"time", QDateTime::currentDateTime().toString(Qt::ISODateWithMs)},
                          {"peer", peer},
                          {"verdict", policy::verdictName(d.verdict)},
                          {"reason", d.reason}});
    while (verdicts_.size() > 50)
        verdicts_.removeFirst();
    if (d.pingTargetAlreadyLost)
        alerts_.error(QStringLiteral("np"), alert::NpPingLostBefore,
                      QStringLiteral("No ping target answered before the heartbeats were lost: "
                                     "the network partition cannot be resolved by ping."));
    switch (d.verdict) {
    case policy::Verdict::Survive:
    case policy::Verdict::NoResolution: // every side carries on: take over at once (alerted)
        if (d.verdict == policy::Verdict::Survive)
            alerts_.info(QStringLiteral("np"), alert::NpSurvive, text);
        else
            alerts_.warning(QStringLiteral("np"), alert::NpNoResolution, text);
        // Take over once the losing side has performed its NP action.
        QTimer::singleShot(policy::takeoverDelayMs(d, takeoverTimings()), this, [this, lost, generation = stopGeneration_] {
                               if (generation != stopGeneration_ || state_ != ClusterState::Online)
                                   return;
                               QStringList gone;
                               for (const auto& peer : lost)
                                   if (!peers_.value(peer).up) {
                                       down_.insert(peer); // takeover of its groups is safe now
                                       gone << peer;
                                   }
                               if (gone.isEmpty())
                                   return;
                               alerts_.info(QStringLiteral("np"), alert::NpTakeover,
                                            QStringLiteral("%1 must have stopped by now: its groups may be taken over.")
                                                .arg(gone.join(QStringLiteral(", "))));
                               evaluateSoon();
                           });
        break;
    case policy::Verdict::Isolated:
        alerts_.error(QStringLiteral("np"), alert::NpIsolated, text);
        if (!isolationFence_.isActive()) // (an early verdict armed it with its own deadline)
            isolationFence_.start(policy::isolatedActionLimitMs(takeoverTimings()));
        performFinalAction(config_.cluster.npAction,
                           QStringLiteral("this server is on the losing side of a network partition"));
        break;
    }
}

// Ping isolated this side before the heartbeat timeout: act now, and be down by the
// deadline the others count on (policy::earlyIsolationCheck).
void ClusterService::onIsolatedEarly(policy::PartitionDecision d, const QStringList& silent,
                                     qint64 lastContactMs) {
    const auto early = isolationWatch_->check();
    if (state_ != ClusterState::Online || !early || !isolationWatch_->stillSilent(silent))
        return; // (heard again while pinging: not cut off after all)
    const qint64 now = np::PingProber::nowMs();
    isolationFence_.start(int(std::max<qint64>(0, lastContactMs + early->downBySilenceMs - now)));
    d.reason = QStringLiteral("no heartbeat for %1 ms, before the timeout of %2 ms; %3")
                   .arg(now - lastContactMs)
                   .arg(effectiveTimeoutMs())
                   .arg(d.reason);
    onPartitionResolved(d, silent);
}

// The NP action of an isolated server must have taken effect by the time the others
// take over. If it has not (a stop script that hangs, a shutdown that takes its time),
// this server resets itself rather than keep resources a survivor is about to use.
void ClusterService::enforceIsolation() {
    QStringList names; // not known to be released: Online, but also Error or Unknown
    for (const auto& g : executor_.table().groups)
        for (auto r = g.resources.begin(); r != g.resources.end(); ++r)
            if (r->state != resources::ResourceState::Offline)
                names << r.key();
    if (state_ == ClusterState::Stopped && names.isEmpty())
        return;
    names.sort();
    alerts_.error(QStringLiteral("np"), alert::NpFence,
                  QStringLiteral("The network partition action has not taken effect in time (%1 not "
                                 "released): this server resets itself before the survivor takes over.")
                      .arg(names.isEmpty() ? QStringLiteral("the cluster service") : names.join(QStringLiteral(", "))));
    QString error;
    if (!power_->perform(PowerControl::Action::Reset, &error))
        alerts_.error(QStringLiteral("cluster"), alert::FinalActionFailed,
                      QStringLiteral("Final action \"%1\" could not be performed: %2")
                          .arg(PowerControl::actionName(PowerControl::Action::Reset), error));
}

policy::TakeoverTimings ClusterService::takeoverTimings() const {
    return {int(config_.cluster.heartbeatIntervalMs * timeoutRatio_), effectiveTimeoutMs(), pingCheckMs_,
            diskLock_ ? diskLock_->acquireLimitMs() : 0, prober_ != nullptr};
}

void ClusterService::performFinalAction(int code, const QString& reason) {
    using Action = PowerControl::Action;
    std::optional<Action> power;
    switch (config::FinalAction(code)) {
    case config::FinalAction::StopClusterServiceAndShutdown: power = Action::Shutdown; break;
    case config::FinalAction::StopClusterServiceAndReboot: power = Action::Reboot; break;
    case config::FinalAction::SysrqPanic:
    case config::FinalAction::KeepalivePanic: power = Action::Panic; break;
    case config::FinalAction::KeepaliveReset: power = Action::Reset; break;
    default: break; // stop the cluster service (validation allows nothing weaker)
    }
    alerts_.error(QStringLiteral("cluster"), alert::FinalAction,
                  QStringLiteral("Final action \"%1\" because %2.")
                      .arg(config::finalActionName(code), reason));
    if (!power) {
        stop(); // releases the groups, then leaves
        return;
    }
    // Going down: release nothing (a peer takes over once it knows this server
    // is gone) and do not say goodbye, so that peers resolve the loss.
    stopNow(false);
    QString error;
    if (!power_->perform(*power, &error))
        alerts_.error(QStringLiteral("cluster"), alert::FinalActionFailed,
                      QStringLiteral("Final action \"%1\" could not be performed: %2")
                          .arg(PowerControl::actionName(*power), error));
}

// ---- failover groups ---------------------------------------------------------------

QStringList ClusterService::eligibleServers() const {
    QStringList out;
    if (state_ != ClusterState::Online || stopping_)
        return out;
    for (const auto& s : config_.serversByPriority()) {
        if (s.name == local_) {
            out << s.name;
            continue;
        }
        const Peer p = peers_.value(s.name);
        const auto* table = view_.table(s.name);
        if (p.up && p.state == int(ClusterState::Online) && sameConfig(p.configHash) &&
            !down_.contains(s.name) && table && view_.confirmed(s.name) && !table->stopping)
            out << s.name;
    }
    return out;
}

QStringList ClusterService::downServers() const {
    QStringList out;
    for (const auto& s : config_.serversByPriority())
        if (down_.contains(s.name))
            out << s.name;
    return out;
}

// The first server by priority that runs the cluster service with our
// configuration decides for the whole cluster. A peer still starting counts (so
// that two servers starting together do not both decide), but nobody decides
// until it is Online.
QString ClusterService::leader() const {
    if (state_ != ClusterState::Online || stopping_)
        return {};
    for (const auto& s : config_.serversByPriority()) {
        if (s.name == local_)
            return local_;
        const Peer p = peers_.value(s.name);
        const auto* table = view_.table(s.name);
        if (!p.up || down_.contains(s.name) || !sameConfig(p.configHash) || (table && table->stopping))
            continue;
        if (p.state == int(ClusterState::Online))
            return s.name;
        if (p.state == int(ClusterState::Starting))
            return {};
    }
    return {};
}

void ClusterService::evaluateSoon() {
    if (!evaluateTimer_.isActive())
        evaluateTimer_.start();
}

void ClusterService::evaluateGroups() {
    const QString lead = leader();
    if (lead != local_) {
        coordinator_.dropRequests(lead.isEmpty()
                                      ? QStringLiteral("the cluster service on %1 is %2").arg(local_, clusterStateName(state_))
                                      : QStringLiteral("%1 decides for the cluster, not %2").arg(lead, local_));
        return;
    }
    engine::GroupCoordinator::Membership m;
    for (const auto& s : config_.serversByPriority())
        m.order << s.name;
    m.eligible = eligibleServers();
    m.down = downServers();
    m.lostFrom = lostGroupsNow();
    m.clusterStart = !executor_.table().clusterStarted;
    if (m.clusterStart) {
        // The cluster start: wait until every server that is up has finished
        // starting and reported, so that groups start where the policy says
        // (and a server that joins a running cluster learns that it runs).
        for (auto it = peers_.begin(); it != peers_.end(); ++it) {
            if (!it->up || down_.contains(it.key()) || !sameConfig(it->configHash))
                continue;
            if (it->state == int(ClusterState::Starting) ||
                (it->state == int(ClusterState::Online) && !m.eligible.contains(it.key())))
                return;
        }
    }
    coordinator_.evaluate(m);
    executor_.setClusterStarted(true);
}

void ClusterService::pushGroupTable() {
    if (!peerCall_ || state_ == ClusterState::Stopped)
        return;
    const QJsonObject params{{"table", localGroupTable()}};
    for (auto it = peers_.begin(); it != peers_.end(); ++it)
        if (it->up)
            peerCall_(it.key(), QStringLiteral("groups.report"), params, 2000,
                      [](bool, const QJsonObject&, const QString&) {});
}

QJsonObject ClusterService::localMonitorStates() const {
    QJsonObject states;
    for (const auto& v : monitors_.toJson())
        states.insert(v.toObject().value("name").toString(), v.toObject().value("state"));
    return states;
}

void ClusterService::pushMonitorStates() {
    if (!peerCall_ || state_ == ClusterState::Stopped)
        return;
    const QJsonObject params{{"states", localMonitorStates()}};
    for (auto it = peers_.begin(); it != peers_.end(); ++it)
        if (it->up)
            peerCall_(it.key(), QStringLiteral("monitors.report"), params, 1000,
                      [this, peer = it.key()](bool ok, const QJsonObject& result, const QString&) {
                          if (ok && result.contains("states"))
                              monitorStates_.offer(peer, result.value("states").toObject(), np::PingProber::nowMs());
                      });
}

QJsonObject ClusterService::acceptMonitorStates(const QString& server, const QJsonObject& states) {
    if (server != local_ && config_.server(server))
        monitorStates_.offer(server, states, np::PingProber::nowMs());
    if (state_ == ClusterState::Stopped)
        return {};
    return {{"states", localMonitorStates()}};
}

// Ends the measurement of a failover whose group is now Online on `server` (FailoverTimes).
void ClusterService::noteGroupsOnline(const QString& server, const engine::GroupTable& table) {
    if (!failoverTimes_.waiting())
        return;
    for (auto it = table.groups.begin(); it != table.groups.end(); ++it)
        if (it->state == policy::GroupState::Online)
            failoverTimes_.groupOnline(it.key(), server, local_, np::PingProber::nowMs(),
                                       QDateTime::currentDateTime());
}

void ClusterService::acceptGroupTable(const QString& server, const QJsonObject& table) {
    if (server == local_ || !config_.server(server))
        return;
    const auto parsed = engine::GroupTable::fromJson(table);
    noteGroupsOnline(server, parsed);
    QHash<QString, QString> lost;
    const auto reported = table.value("lost").toObject();
    for (auto it = reported.begin(); it != reported.end(); ++it)
        lost.insert(it.key(), it.value().toString());
    peerLostGroups_.insert(server, lost);
    if (parsed.clusterStarted && peers_.value(server).up)
        executor_.setClusterStarted(true); // joined a running cluster
    const bool changed = view_.offer(server, parsed);
    forgetHeldLostGroups();
    if (changed)
        evaluateSoon();
}

QJsonObject ClusterService::localGroupTable() const {
    QJsonObject table = executor_.table().toJson();
    QJsonObject lost;
    for (auto it = lostGroups_.begin(); it != lostGroups_.end(); ++it)
        lost.insert(it.key(), it.value());
    table.insert("lost", lost);
    return table;
}

// Held (in any state but Offline) by this server or by a peer that is up and has reported
// since it came back (the table a lost server sent before it was lost does not count).
bool ClusterService::heldAnywhere(const QString& group) const {
    QStringList order;
    for (const auto& s : config_.serversByPriority())
        order << s.name;
    for (const auto& holder : view_.holders(group, order)) {
        const Peer p = peers_.value(holder);
        if (holder == local_ || (p.up && !down_.contains(holder) && view_.confirmed(holder)))
            return true;
    }
    return false;
}

void ClusterService::forgetHeldLostGroups() {
    for (auto it = lostGroups_.begin(); it != lostGroups_.end();)
        it = heldAnywhere(it.key()) ? lostGroups_.erase(it) : std::next(it);
    for (auto it = lostOverridden_.begin(); it != lostOverridden_.end();)
        it = heldAnywhere(*it) ? lostOverridden_.erase(it) : std::next(it);
}

// This server's marks and those of the peers that are up, but not for a group an operator
// decided here since, nor for one a reachable server holds now.
QHash<QString, QString> ClusterService::lostGroupsNow() const {
    QHash<QString, QString> all = lostGroups_;
    for (auto it = peerLostGroups_.begin(); it != peerLostGroups_.end(); ++it)
        if (peers_.value(it.key()).up && !down_.contains(it.key()))
            for (auto g = it->begin(); g != it->end(); ++g)
                all.insert(g.key(), g.value());
    for (auto it = all.begin(); it != all.end();)
        it = lostOverridden_.contains(it.key()) || heldAnywhere(it.key()) ? all.erase(it) : std::next(it);
    return all;
}

void ClusterService::runLocal(const engine::RunRequest& request, engine::GroupExecutor::Done done) {
    if (state_ == ClusterState::Stopped || (stopping_ && request.kind == policy::ActionKind::Activate)) {
        engine::RunResult r;
        r.outcome = engine::RunResult::Outcome::Refused;
        r.reason = QStringLiteral("the cluster service on %1 is %2").arg(local_,
                                  stopping_ ? QStringLiteral("stopping") : clusterStateName(state_));
        done(r);
        return;
    }
    executor_.run(request, std::move(done));
}

// How long a step may take: every resource's own limit, retries included.
static int stepTimeoutMs(const config::ClusterConfig& config, const engine::RunRequest& request) {
    qint64 total = 5000;
    for (const auto& name : request.only) {
        const auto* r = config.resource(name);
        if (!r)
            continue;
        total += request.kind == policy::ActionKind::Activate ? qint64(r->actTimeoutMs) * (r->actRetry + 1)
                                                              : qint64(r->deactTimeoutMs) * (r->deactRetry + 1);
    }
    return int(std::min<qint64>(total, 24 * 3600 * 1000));
}

void ClusterService::dispatch(const QString& server, const engine::RunRequest& request,
                              std::function<void(const engine::RunResult&)> done) {
    if (server == local_) {
        runLocal(request, std::move(done));
        return;
    }
    if (!peerCall_) {
        done({engine::RunResult::Outcome::Refused, {}, QStringLiteral("no RPC to %1").arg(server)});
        return;
    }
    peerCall_(server, QStringLiteral("group.run"), request.toJson(), stepTimeoutMs(config_, request),
              [this, server, done](bool ok, const QJsonObject& result, const QString& error) {
                  if (!ok) {
                      done({engine::RunResult::Outcome::Refused, {}, error});
                      return;
                  }
                  acceptGroupTable(server, result.value("table").toObject());
                  done(engine::RunResult::fromJson(result.value("result").toObject()));
              });
}

void ClusterService::groupRequest(policy::OperatorRequest request, Reply reply) {
    if (!config_.group(request.group)) {
        reply(false, QStringLiteral("no group named \"%1\" in the cluster").arg(request.group));
        return;
    }
    if (!request.server.isEmpty() && !config_.server(request.server)) {
        reply(false, QStringLiteral("no server named \"%1\" in the cluster").arg(request.server));
        return;
    }
    const QString lead = leader();
    if (lead.isEmpty()) {
        reply(false, QStringLiteral("the cluster service on %1 is %2").arg(local_, clusterStateName(state_)));
        return;
    }
    if (request.server.isEmpty() && request.kind == policy::RequestKind::Move) {
        // The next eligible server of the group's list after the one it is on.
        const QStringList order = config_.serversFor(*config_.group(request.group));
        QStringList live;
        for (const auto& s : config_.serversByPriority())
            if (!down_.contains(s.name))
                live << s.name;
        const QString current = view_.holders(request.group, live).value(0);
        const QStringList eligible = eligibleServers();
        const auto from = order.indexOf(current);
        for (qsizetype i = 1; i <= order.size() && request.server.isEmpty(); ++i) {
            const QString candidate = order.value((from + i) % order.size());
            if (candidate != current && eligible.contains(candidate))
                request.server = candidate;
        }
        if (request.server.isEmpty()) {
            reply(false, QStringLiteral("group %1 has no other server to move to").arg(request.group));
            return;
        }
    }
    if (request.kind == policy::RequestKind::Clear || request.kind == policy::RequestKind::Start ||
        request.kind == policy::RequestKind::Move)
        executor_.clearMarks(request.group); // an operator takes over from the recovery
    if (lead != local_) {
        peerCall_(lead, QStringLiteral("group.request"),
                  {{"kind", policy::requestKindName(request.kind)}, {"group", request.group},
                   {"server", request.server}},
                  24 * 3600 * 1000, [reply](bool ok, const QJsonObject& result, const QString& error) {
                      reply(ok, ok ? result.value("message").toString() : error);
                  });
        return;
    }
    coordinator_.request(request, std::move(reply));
    evaluateSoon();
}

void ClusterService::resourceRequest(const QString& resource, bool start, const QString& server, Reply reply) {
    const auto* group = config_.groupOf(resource);
    if (!group) {
        reply(false, QStringLiteral("no group resource named \"%1\" in the cluster").arg(resource));
        return;
    }
    if (state_ != ClusterState::Online) {
        reply(false, QStringLiteral("the cluster service on %1 is %2").arg(local_, clusterStateName(state_)));
        return;
    }
    QStringList order;
    for (const auto& s : config_.serversByPriority())
        if (!down_.contains(s.name))
            order << s.name;
    const QString holder = view_.holders(group->name, order).value(0);
    QString target = server;
    if (target.isEmpty())
        target = holder.isEmpty() ? local_ : holder;
    if (!holder.isEmpty() && holder != target) {
        reply(false, QStringLiteral("group %1 of resource %2 is active on %3, not %4")
                         .arg(group->name, resource, holder, target));
        return;
    }
    engine::RunRequest request;
    request.group = group->name;
    request.kind = start ? policy::ActionKind::Activate : policy::ActionKind::Deactivate;
    request.event = start ? resources::ResourceEvent::Start : resources::ResourceEvent::Stop;
    request.only = {resource};
    dispatch(target, request, [reply, resource, target, start](const engine::RunResult& r) {
        reply(r.ok(), r.ok() ? QStringLiteral("resource %1 %2 on %3").arg(resource, start ? "started" : "stopped", target)
                             : r.reason);
    });
}

void ClusterService::raiseEngineAlert(engine::AlertType type, const QString& module, int id,
                                      const QString& message) {
    alerts_.raise(type == engine::AlertType::Info      ? Alert::Type::Info
                  : type == engine::AlertType::Warning ? Alert::Type::Warning
                                                       : Alert::Type::Error,
                  module, id, message);
}

// userw with method keepalive (or softdog): the supervisor performs the userw final
// action when this event loop stops petting it for the monitor's timeout.
void ClusterService::startKeepalive() {
    for (const auto& m : config_.monitors) {
        if (m.type != QLatin1String("userw"))
            continue;
        monitors::KeepaliveClient::Settings s;
        if (!monitors::KeepaliveClient::parseMethod(m.param(QStringLiteral("method")), &s.method) ||
            s.method == monitors::KeepaliveClient::Method::None)
            return;
        s.timeoutMs = int(std::min<double>(m.timeoutMs * timeoutRatio_, INT_MAX));
        s.intervalMs = std::min(m.intervalMs, m.timeoutMs / 3); // several pets per timeout
        s.action = m.finalAction == int(config::FinalAction::KeepalivePanic) ||
                           m.finalAction == int(config::FinalAction::SysrqPanic)
                       ? QStringLiteral("panic")
                       : QStringLiteral("reset");
        s.power = powerOption_;
        QString error;
        if (!keepalive_.start(s, &error))
            alerts_.error(QStringLiteral("mon"), engine::alert::MonitorError,
                          QStringLiteral("userw %1: cannot start the keepalive supervisor: %2").arg(m.name, error));
        return;
    }
}

// Stalled is not dead: when this process finds that it did not run for longer
// than the heartbeat timeout (SIGSTOP, a paused VM, a swap storm), the others
// may have taken its groups over. It touches nothing and fences itself first.
void ClusterService::checkFrozen() {
    const qint64 gap = lastAwake_.restart();
    quint64 sent = 0;
    if (heartbeats_)
        for (const auto& path : heartbeats_->snapshot().paths)
            sent += path.counters.sent;
    const quint64 sentDuringGap = sent - std::exchange(heartbeatsSent_, sent);
    if (state_ == ClusterState::Stopped || gap <= effectiveTimeoutMs())
        return;
    // Only the main loop was slow if the heartbeat thread kept sending: the
    // others heard this server all along and took nothing over.
    if (sentDuringGap * 2 >= quint64(gap / std::max(1, config_.cluster.heartbeatIntervalMs)))
        return;
    performFinalAction(int(config::FinalAction::KeepaliveReset),
                       QStringLiteral("this server did not run for %1 ms, longer than the heartbeat "
                                      "timeout: it fences itself before touching anything").arg(gap));
}

void ClusterService::groupFailed(const QString& group, const QString& server) {
    if (leader() == local_) {
        coordinator_.markFailed(group, server);
        return;
    }
    const QString lead = leader();
    if (!lead.isEmpty() && peerCall_)
        peerCall_(lead, QStringLiteral("group.failed"), {{"group", group}, {"server", server}}, 5000,
                  [this, group](bool ok, const QJsonObject&, const QString& error) {
                      if (!ok)
                          alerts_.error(QStringLiteral("mon"), engine::alert::MonitorRecovery,
                                        QStringLiteral("Cannot ask for the failover of group %1: %2").arg(group, error));
                  });
}

// Carries out what a monitor's escalation asks for (policy::afterMonitorError).
void ClusterService::runMonitorRecovery(const QString& name, policy::MonitorStep step, const QString& reason) {
    const auto* m = config_.monitor(name);
    if (!m)
        return;
    // The recovery target: a resource or a group (LocalServer has neither).
    QString group, resource;
    if (m->relationType == QLatin1String("rsc")) {
        resource = m->relationName;
        if (const auto* g = config_.groupOf(resource))
            group = g->name;
    } else if (m->relationType == QLatin1String("grp")) {
        group = m->relationName;
    }
    const bool activeHere = !group.isEmpty() && executor_.table().groups.value(group).active();
    switch (step) {
    case policy::MonitorStep::Reactivate: {
        if (!activeHere) {
            monitors_.recoveryDone(name); // nothing of it runs here to restart
            return;
        }
        engine::RunRequest stop;
        stop.group = group;
        stop.kind = policy::ActionKind::Deactivate;
        stop.event = resources::ResourceEvent::Recover;
        if (!resource.isEmpty())
            stop.only = {resource};
        runLocal(stop, [this, stop, name](const engine::RunResult& r) {
            if (!r.ok())
                return; // its own recovery (stuck, final action) has taken over
            engine::RunRequest start = stop;
            start.kind = policy::ActionKind::Activate;
            runLocal(start, [this, name](const engine::RunResult& result) {
                if (!result.ok())
                    alerts_.error(QStringLiteral("mon"), engine::alert::MonitorRecovery,
                                  QStringLiteral("Monitor %1: reactivation failed: %2").arg(name, result.reason));
                monitors_.recoveryDone(name);
            });
        });
        return;
    }
    case policy::MonitorStep::Failover:
        if (activeHere) {
            failoverTimes_.monitorFailover(name, group, local_, np::PingProber::nowMs());
            groupFailed(group, local_); // the monitor resumes once the group has left
        } else {
            monitors_.recoveryDone(name);
        }
        return;
    case policy::MonitorStep::FinalAction:
        break;
    case policy::MonitorStep::None:
        return;
    }
    auto finalAction = [this, name, group, resource, reason] {
        if (const auto* monitor = config_.monitor(name))
            monitorFinalAction(*monitor, group, resource, reason);
    };
    if (m->preActionUse)
        runPreAction(*m, reason, finalAction);
    else
        finalAction();
}

void ClusterService::monitorFinalAction(const config::Monitor& m, const QString& group, const QString& resource,
                                        const QString& reason) {
    const bool activeHere = !group.isEmpty() && executor_.table().groups.value(group).active();
    auto done = [this, name = m.name](bool, const QString&) { monitors_.recoveryDone(name); };
    switch (config::FinalAction(m.finalAction)) {
    case config::FinalAction::NoOperation:
    case config::FinalAction::NoOperationStopActivating:
        monitors_.recoveryDone(m.name);
        return;
    case config::FinalAction::StopGroup:
        if (activeHere)
            groupRequest({policy::RequestKind::Stop, group, {}}, done);
        else
            monitors_.recoveryDone(m.name);
        return;
    case config::FinalAction::StopResource:
        if (activeHere && !resource.isEmpty())
            resourceRequest(resource, false, local_, done);
        else
            monitors_.recoveryDone(m.name);
        return;
    default:
        performFinalAction(m.finalAction, QStringLiteral("monitor %1 detected an error: %2").arg(m.name, reason));
    }
}

// emergency/preaction: scripts/monitor.s/<monitor>/<path>, then the final action
// whatever the script returned (it may collect data or notify; it cannot veto).
void ClusterService::runPreAction(const config::Monitor& m, const QString& reason, std::function<void()> then) {
    const QString script = m.preActionScript.startsWith(QLatin1Char('/'))
                               ? m.preActionScript
                               : QStringLiteral("%1/monitor.s/%2/%3").arg(paths_.scriptsDir(), m.name, m.preActionScript);
    QProcessEnvironment env;
    env.insert(QStringLiteral("CLP_MONITORNAME"), m.name);
    env.insert(QStringLiteral("CLP_SERVERNAME"), local_);
    env.insert(QStringLiteral("CLP_ACTION"), config::finalActionName(m.finalAction));
    env.insert(QStringLiteral("CLP_REASON"), reason);
    auto* runner = new resources::ProcessCommandRunner(env, this);
    alerts_.info(QStringLiteral("mon"), engine::alert::MonitorRecovery,
                 QStringLiteral("Monitor %1: running the pre-action script %2 before the final action \"%3\".")
                     .arg(m.name, script, config::finalActionName(m.finalAction)));
    runner->run({QStringLiteral("/bin/sh"), script}, m.preActionTimeoutMs,
                [this, runner, name = m.name, script, then = std::move(then)](const resources::CommandRunner::Result& r) {
                    if (r.ok())
                        alerts_.info(QStringLiteral("mon"), engine::alert::MonitorRecovery,
                                     QStringLiteral("Monitor %1: the pre-action script ended with code 0.").arg(name));
                    else
                        alerts_.warning(QStringLiteral("mon"), engine::alert::MonitorRecovery,
                                        QStringLiteral("Monitor %1: the pre-action script failed (%2); the final "
                                                       "action follows anyway.")
                                            .arg(name, r.describe({script})));
                    runner->deleteLater();
                    then();
                });
}

bool ClusterService::resetMonitorCounters(const QString& monitor, QString* error) {
    if (!monitors_.resetCounters(monitor, error))
        return false;
    if (peerCall_)
        for (const auto& peer : reachablePeers())
            peerCall_(peer, QStringLiteral("monitors.reset"), {{"monitor", monitor}}, 5000,
                      [this, peer](bool ok, const QJsonObject&, const QString& why) {
                          if (!ok)
                              alerts_.warning(QStringLiteral("mon"), engine::alert::MonitorRecovery,
                                              QStringLiteral("Cannot reset the monitor counters on %1: %2")
                                                  .arg(peer, why));
                      });
    return true;
}

QJsonObject ClusterService::status() const {
    using config::schema::ObjectClass;
    const auto snapshot = heartbeats_ ? heartbeats_->snapshot() : cluster::MembershipSnapshot{};
    QJsonArray servers;
    for (const auto& s : config_.serversByPriority()) {
        const bool isLocal = s.name == local_;
        const Peer peer = peers_.value(s.name);
        QString state;
        QString reason;
        if (isLocal) {
            state = clusterStateName(state_);
        } else if (state_ == ClusterState::Stopped) {
            state = QStringLiteral("Unknown");
        } else if (!peer.up) {
            state = QStringLiteral("Offline");
        } else if (!peer.configHash.isEmpty() && !sameConfig(peer.configHash)) {
            state = QStringLiteral("Caution");
            reason = QStringLiteral("configuration differs");
        } else {
            switch (ClusterState(peer.state)) {
            case ClusterState::Suspended: state = QStringLiteral("Suspended"); break;
            case ClusterState::Starting: state = QStringLiteral("Starting"); break;
            default: state = QStringLiteral("Online"); break;
            }
        }
        QJsonArray hbs;
        for (const auto& hb : config_.heartbeats) {
            QString hbState = QStringLiteral("Unknown");
            if (state_ != ClusterState::Stopped && hb.kind() != config::HeartbeatKind::Unsupported) {
                const bool onPath = s.device(hb.deviceId) != nullptr;
                if (!onPath)
                    hbState = QStringLiteral("Unknown");
                else if (isLocal)
                    hbState = snapshot.path(hb.name) && snapshot.path(hb.name)->localNormal
                                  ? QStringLiteral("Normal")
                                  : QStringLiteral("Offline");
                else
                    hbState = peer.paths.value(hb.name, false) ? QStringLiteral("Normal")
                                                               : QStringLiteral("Offline");
            }
            hbs.append(QJsonObject{{"name", hb.name},
                                   {"type", hb.type},
                                   {"comment", typeComment(ObjectClass::Heartbeat, hb.type, QString())},
                                   {"state", hbState}});
        }
        QJsonArray nps;
        for (const auto& np : config_.npResources) {
            QString npState = QStringLiteral("Unknown");
            const bool running = isLocal && state_ != ClusterState::Stopped && s.device(np.deviceId);
            if (running && np.type == QLatin1String("pingnp") && prober_)
                npState = prober_->anyReachable() ? QStringLiteral("Normal") : QStringLiteral("Error");
            else if (running && np.type == QLatin1String("disknp") && diskLock_ &&
                     diskLock_->settings().name == np.name)
                npState = diskLock_->healthy() ? QStringLiteral("Normal") : QStringLiteral("Error");
            nps.append(QJsonObject{{"name", np.name},
                                   {"type", np.type},
                                   {"comment", typeComment(ObjectClass::NpResource, np.type, QString())},
                                   {"state", npState}});
        }
        servers.append(QJsonObject{{"name", s.name},
                                   {"priority", s.priority},
                                   {"comment", s.comment},
                                   {"state", state},
                                   {"reason", reason},
                                   {"heartbeats", hbs},
                                   {"np", nps}});
    }
    QJsonObject counters;
    for (const auto& path : snapshot.paths) {
        const auto& n = path.counters;
        counters.insert(path.name, QJsonObject{{"sent", qint64(n.sent)},
                                               {"received", qint64(n.received)},
                                               {"accepted", qint64(n.accepted)},
                                               {"malformed", qint64(n.malformed)},
                                               {"foreignCluster", qint64(n.foreignCluster)},
                                               {"forged", qint64(n.forged)},
                                               {"replayed", qint64(n.replayed)},
                                               {"unknownSender", qint64(n.unknownSender)}});
    }
    QJsonArray verdicts;
    for (const auto& v : verdicts_)
        verdicts.append(v);
    // Each monitor's state on every server (ours, and what the others last reported).
    QJsonArray monitors;
    {
        QStringList names;
        for (const auto& s : config_.serversByPriority())
            names << s.name;
        const qint64 now = np::PingProber::nowMs();
        const auto heard = [this](const QString& server) {
            return peers_.value(server).up && !down_.contains(server);
        };
        for (const auto& v : monitors_.toJson()) {
            QJsonObject m = v.toObject();
            QJsonObject perServer = monitorStates_.perServer(m.value("name").toString(), names, local_,
                                                             m.value("state").toString(), heard, now);
            if (state_ == ClusterState::Stopped) // nothing is known, as for the servers' rows
                for (auto it = perServer.begin(); it != perServer.end(); ++it)
                    it.value() = QStringLiteral("Unknown");
            m.insert("servers", perServer);
            monitors.append(m);
        }
    }
    QJsonArray groups;
    QStringList order, live;
    for (const auto& s : config_.serversByPriority()) {
        order << s.name;
        if (!down_.contains(s.name) && (s.name == local_ || peers_.value(s.name).up))
            live << s.name;
    }
    const bool known = state_ != ClusterState::Stopped;
    for (const auto& g : config_.groups) {
        // Where it is: a live server that holds it, else (before a takeover) the
        // server that last reported it.
        QString current = known ? view_.holders(g.name, live).value(0) : QString();
        if (known && current.isEmpty())
            current = view_.holders(g.name, order).value(0);
        const auto* table = current.isEmpty() ? nullptr : view_.table(current);
        const engine::LocalGroup held = table ? table->groups.value(g.name) : engine::LocalGroup{};
        QJsonArray resources;
        for (const auto& ref : g.resourceRefs) {
            const auto [type, name] = config::splitResourceRef(ref);
            const auto* r = config_.resource(name);
            const auto rs = held.resources.value(name);
            resources.append(QJsonObject{{"name", name}, {"type", type}, {"comment", r ? r->comment : QString()},
                                         {"state", known ? resources::resourceStateName(rs.state) : QStringLiteral("Unknown")},
                                         {"reason", rs.reason}});
        }
        QJsonObject entry{{"name", g.name}, {"comment", g.comment},
                          {"state", known ? held.displayState() : QStringLiteral("Unknown")},
                          {"current", current}, {"resources", resources}};
        if (!held.reason.isEmpty())
            entry.insert("reason", held.reason);
        if (known && leader() == local_) {
            entry.insert("decision", coordinator_.lastReason(g.name));
            entry.insert("failedOn", QJsonArray::fromStringList(coordinator_.failedOn(g.name)));
        }
        groups.append(entry);
    }
    return {{"cluster", QJsonObject{{"name", config_.cluster.name},
                                    {"comment", config_.cluster.comment},
                                    {"state", clusterStateName(state_)},
                                    {"timeoutRatio", timeoutRatio_},
                                    {"leader", leader()}}},
            {"local", local_},
            {"servers", servers},
            {"groups", groups},
            {"monitors", monitors},
            {"heartbeatCounters", counters},
            {"failovers", failoverTimes_.toJson()},
            {"np", QJsonObject{{"verdicts", verdicts}}},
            {"config", QJsonObject{{"hash", QString::fromLatin1(configHash_.toHex())},
                                   {"generation", 0}}}};
}

} // namespace lifeline::daemon
