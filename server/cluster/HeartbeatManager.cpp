#include "HeartbeatManager.h"

#include "HeartbeatPacket.h"
#include "HeartbeatPath.h"
#include "HeartbeatPathFactory.h"

#include <QLoggingCategory>
#include <QThread>
#include <QTimer>
#include <algorithm>
#include <cmath>

namespace lifeline::cluster {

namespace {

Q_LOGGING_CATEGORY(lcMembership, "lifeline.membership", QtInfoMsg)

using Verdict = hb::HeartbeatInbox::Verdict;

QString why(MembershipEvent::Cause cause) {
    switch (cause) {
    case MembershipEvent::Cause::Timeout:
        return QStringLiteral("every heartbeat path timed out");
    case MembershipEvent::Cause::Left:
        return QStringLiteral("it stopped its cluster service");
    case MembershipEvent::Cause::Restarted:
        return QStringLiteral("it restarted without stopping (new incarnation)");
    case MembershipEvent::Cause::NeverHeard:
        return QStringLiteral("not heard within the timeout since start");
    }
    return {};
}

qint64 ageMs(HeartbeatManager::Clock::time_point now, HeartbeatManager::Clock::time_point then) {
    return std::chrono::duration_cast<std::chrono::milliseconds>(now - then).count();
}

} // namespace

HeartbeatManager::HeartbeatManager(const config::ClusterConfig& config, const QString& localServer,
                                   const QByteArray& key, const QByteArray& configHash,
                                   quint64 incarnation, QObject* parent)
    : QObject(parent), clusterName_(config.cluster.name), localServer_(localServer), key_(key),
      configHash_(configHash), incarnation_(incarnation),
      interval_(std::max(1, config.cluster.heartbeatIntervalMs)),
      timeout_(std::max(1, config.cluster.heartbeatTimeoutMs)), sendTimer_(new QTimer(this)),
      checkTimer_(new QTimer(this)), expiryTimer_(new QTimer(this)), gate_(interval_) {
    if (!config.server(localServer))
        setupIssues_
            << QStringLiteral("server \"%1\" is not in the configuration").arg(localServer);
    if (key.isEmpty())
        setupIssues_ << QStringLiteral("no heartbeat key: nothing can be sent or accepted");
    if (configHash.size() != hb::HeartbeatPacket::kConfigHashBytes)
        setupIssues_ << QStringLiteral("the configuration hash has %1 bytes instead of %2: "
                                       "nothing can be sent")
                            .arg(configHash.size())
                            .arg(hb::HeartbeatPacket::kConfigHashBytes);
    for (const auto& server : config.serversByPriority())
        if (server.name != localServer)
            peers_ << server.name;

    auto heartbeats = config.heartbeats;
    std::stable_sort(heartbeats.begin(), heartbeats.end(),
                     [](const auto& a, const auto& b) { return a.priority < b.priority; });
    for (const auto& heartbeat : heartbeats) {
        QString error;
        auto path = hb::HeartbeatPathFactory::create({config, heartbeat, localServer}, &error);
        if (!path) {
            setupIssues_ << error;
            continue;
        }
        const size_t index = paths_.size();
        path->setParent(this);
        connect(path.get(), &hb::HeartbeatPath::datagramReceived, this,
                [this, index](const QByteArray& datagram, const QString& source,
                              const QString& peer) { onDatagram(index, datagram, source, peer); });
        connect(path.get(), &hb::HeartbeatPath::transportFailed, this,
                [this, index](const QString& message) { onTransportFailed(index, message); });
        connect(path.get(), &hb::HeartbeatPath::transportRecovered, this,
                [this, index] { onTransportRecovered(index); });
        connect(path.get(), &hb::HeartbeatPath::kernelAlive, this,
                [this, index](const QString& peer, const QString& source, qint64 ackAgeMs) {
                    onKernelAlive(index, peer, source, ackAgeMs);
                });
        PathSlot slot;
        slot.path = path.release();
        slot.inbox = std::make_unique<hb::HeartbeatInbox>(clusterName_, key_, &gate_);
        paths_.push_back(std::move(slot));
    }
    for (const auto& issue : setupIssues_)
        qCWarning(lcMembership).noquote() << issue;

    sendTimer_->setTimerType(Qt::PreciseTimer);
    sendTimer_->setInterval(interval_);
    connect(sendTimer_, &QTimer::timeout, this, &HeartbeatManager::onSendTick);
    checkTimer_->setTimerType(Qt::PreciseTimer);
    checkTimer_->setInterval(checkPeriod());
    connect(checkTimer_, &QTimer::timeout, this, &HeartbeatManager::onCheckTick);
    expiryTimer_->setTimerType(Qt::PreciseTimer);
    expiryTimer_->setSingleShot(true);
    connect(expiryTimer_, &QTimer::timeout, this, &HeartbeatManager::onCheckTick);
    tracker_ = makeTracker(Clock::now());
}

HeartbeatManager::~HeartbeatManager() {
    if (running_) {
        if (QThread::currentThread() == thread())
            stopHere(false);
        else
            qCWarning(lcMembership) << "heartbeat manager destroyed while running on another "
                                       "thread; call stop() first";
    }
}

std::chrono::milliseconds HeartbeatManager::checkPeriod() const {
    return std::clamp(interval_ / 4, std::chrono::milliseconds(1), std::chrono::milliseconds(50));
}

std::chrono::milliseconds HeartbeatManager::effectiveTimeout() const {
    return std::max(
        std::chrono::milliseconds(1),
        std::chrono::milliseconds(qint64(std::llround(double(timeout_.count()) * timeoutRatio_))));
}

std::unique_ptr<MembershipTracker> HeartbeatManager::makeTracker(Clock::time_point start) const {
    QList<MembershipTracker::PathLayout> layout;
    for (const auto& slot : paths_)
        layout << MembershipTracker::PathLayout{slot.path->name(), slot.path->peers()};
    return std::make_unique<MembershipTracker>(peers_, layout, effectiveTimeout(), start);
}

bool HeartbeatManager::runBlocking(const std::function<void()>& call) {
    if (QThread::currentThread() == thread()) {
        call();
        return true;
    }
    if (!thread() || !thread()->isRunning()) {
        qCWarning(lcMembership) << "the heartbeat thread is not running; call ignored";
        return false;
    }
    return QMetaObject::invokeMethod(this, call, Qt::BlockingQueuedConnection);
}

void HeartbeatManager::runQueued(const std::function<void()>& call) {
    if (QThread::currentThread() == thread())
        call();
    else
        QMetaObject::invokeMethod(this, call, Qt::QueuedConnection);
}

bool HeartbeatManager::start() {
    bool ok = false;
    runBlocking([this, &ok] { ok = startHere(); });
    return ok;
}

void HeartbeatManager::stop(bool graceful) {
    runBlocking([this, graceful] { stopHere(graceful); });
}

void HeartbeatManager::setLocalState(quint8 state) {
    runQueued([this, state] {
        bool announce = false;
        {
            QMutexLocker lock(&mutex_);
            announce = localState_ != state && running_ && sending_;
            localState_ = state;
        }
        if (announce)
            sendPacket(0);
    });
}

void HeartbeatManager::setSending(bool sending) {
    runQueued([this, sending] {
        QMutexLocker lock(&mutex_);
        sending_ = sending;
    });
}

void HeartbeatManager::setTimeoutRatio(double ratio) {
    if (!(ratio > 0.0) || !std::isfinite(ratio)) {
        qCWarning(lcMembership) << "timeout ratio" << ratio << "ignored: it must be above 0";
        return;
    }
    runQueued([this, ratio] {
        QMutexLocker lock(&mutex_);
        timeoutRatio_ = ratio;
        tracker_->setTimeout(effectiveTimeout());
    });
}

void HeartbeatManager::setConfigHash(const QByteArray& hash) {
    runQueued([this, hash] {
        bool announce = false;
        {
            QMutexLocker lock(&mutex_);
            announce = configHash_ != hash && running_ && sending_;
        }
        configHash_ = hash;
        if (announce)
            sendPacket(0);
    });
}

void HeartbeatManager::continueSequence(quint64 sequence) {
    QMutexLocker lock(&mutex_);
    sequence_ = std::max(sequence_, sequence);
}

bool HeartbeatManager::startHere() {
    QList<std::pair<QString, QString>> failures;
    {
        QMutexLocker lock(&mutex_);
        if (running_)
            return std::all_of(paths_.begin(), paths_.end(), [](const auto& s) { return s.open; });
        const auto now = Clock::now();
        tracker_ = makeTracker(now);
        peerInfo_.clear();
        running_ = true;
        for (auto& slot : paths_)
            if (!tryOpen(slot, now))
                failures << std::pair{slot.path->name(), slot.error};
    }
    for (const auto& [path, message] : failures)
        emit pathError(path, message);
    sendPacket(0);
    sendTimer_->start();
    checkTimer_->start();
    qCInfo(lcMembership).noquote() << QStringLiteral("heartbeat started: server \"%1\", %2 "
                                                     "path(s), interval %3 ms, timeout %4 ms")
                                          .arg(localServer_)
                                          .arg(paths_.size())
                                          .arg(interval_.count())
                                          .arg(effectiveTimeout().count());
    return failures.isEmpty();
}

void HeartbeatManager::stopHere(bool graceful) {
    if (!running_)
        return;
    if (graceful)
        for (int i = 0; i < kLeavingPackets; ++i)
            sendPacket(hb::HeartbeatPacket::kFlagLeaving);
    sendTimer_->stop();
    checkTimer_->stop();
    expiryTimer_->stop();
    QMutexLocker lock(&mutex_);
    for (auto& slot : paths_) {
        slot.path->close();
        slot.open = false;
        if (slot.failing)
            slot.error.clear();
        slot.failing = false;
    }
    running_ = false;
    qCInfo(lcMembership).noquote()
        << QStringLiteral("heartbeat stopped%1").arg(graceful ? " (leaving)" : "");
}

bool HeartbeatManager::tryOpen(PathSlot& slot, Clock::time_point now) {
    slot.nextOpenAttempt = now + kReopenPeriod;
    slot.open = slot.path->open();
    if (slot.open) {
        if (!slot.error.isEmpty())
            qCInfo(lcMembership).noquote()
                << slot.path->name() << "open now on" << slot.path->localEndpoint();
        slot.error.clear();
        return true;
    }
    const QString error = slot.path->errorString();
    if (error != slot.error)
        qCWarning(lcMembership).noquote()
            << error << "(retrying every" << kReopenPeriod.count() << "ms)";
    slot.error = error;
    return false;
}

void HeartbeatManager::sendPacket(quint8 flags) {
    hb::HeartbeatPacket packet;
    packet.clusterName = clusterName_;
    packet.senderName = localServer_;
    packet.incarnation = incarnation_;
    packet.configHash = configHash_;
    packet.flags = flags;
    {
        QMutexLocker lock(&mutex_);
        if (!running_)
            return;
        packet.sequence = ++sequence_;
        packet.state = localState_;
    }
    const QByteArray datagram = packet.encode(key_);
    if (datagram.isEmpty()) {
        if (!encodeFailureLogged_)
            qCCritical(lcMembership)
                << "cannot encode a heartbeat (see the setup issues):" << setupIssues_;
        encodeFailureLogged_ = true;
        return;
    }
    for (auto& slot : paths_) {
        const int copies = slot.open ? slot.path->send(datagram) : 0;
        QMutexLocker lock(&mutex_);
        slot.inbox->countSent(quint64(copies));
    }
}

void HeartbeatManager::onSendTick() {
    QList<std::pair<QString, QString>> failures;
    bool sending = false;
    {
        QMutexLocker lock(&mutex_);
        const auto now = Clock::now();
        for (auto& slot : paths_)
            if (!slot.open && now >= slot.nextOpenAttempt) {
                const QString previous = slot.error;
                if (!tryOpen(slot, now) && slot.error != previous)
                    failures << std::pair{slot.path->name(), slot.error};
            }
        sending = sending_;
    }
    for (const auto& [path, message] : failures)
        emit pathError(path, message);
    if (sending)
        sendPacket(0);
}

void HeartbeatManager::onCheckTick() {
    // Read first: after a stall of this thread, packets already waiting prove life.
    for (auto& slot : paths_)
        if (slot.open)
            slot.path->readPending();
    QList<MembershipEvent> events;
    std::optional<Clock::time_point> next;
    const auto now = Clock::now();
    {
        QMutexLocker lock(&mutex_);
        if (!running_)
            return;
        events = tracker_->expire(now);
        applyLocked(events);
        next = tracker_->nextExpiry();
    }
    // A timeout that ends before the next regular check is judged when it ends.
    if (next && *next > now && *next - now < checkPeriod())
        expiryTimer_->start(std::chrono::ceil<std::chrono::milliseconds>(*next - now));
    emitAll(events, {});
}

void HeartbeatManager::onDatagram(size_t index, const QByteArray& datagram, const QString& source,
                                  const QString& peer) {
    const auto now = Clock::now();
    hb::HeartbeatPacket packet;
    QList<MembershipEvent> events;
    PeerAnnouncement announcement;
    Verdict verdict;
    {
        QMutexLocker lock(&mutex_);
        if (!running_)
            return;
        PathSlot& slot = paths_[index];
        verdict = slot.inbox->take(datagram, peer, now, &packet);
        if (verdict == Verdict::Accepted) {
            bool current = false;
            events = tracker_->heard(packet.senderName, slot.path->name(), packet.incarnation,
                                     packet.sequence, packet.leaving(), now, &current);
            applyLocked(events);
            if (current) {
                slot.provenSources.insert(packet.senderName, {source, packet.incarnation});
                PeerInfo& info = peerInfo_[packet.senderName];
                announcement.peer = packet.senderName;
                if (!info.hashAnnounced || info.configHash != packet.configHash) {
                    info.configHash = packet.configHash;
                    info.hashAnnounced = true;
                    announcement.configHash = packet.configHash;
                }
                if (!info.stateAnnounced || info.state != packet.state) {
                    info.state = packet.state;
                    info.stateAnnounced = true;
                    announcement.state = packet.state;
                }
            }
        }
    }
    if (verdict != Verdict::Accepted)
        noteRejected(index, verdict, source);
    emitAll(events, announcement);
}

void HeartbeatManager::noteRejected(size_t index, Verdict verdict, const QString& source) {
    PathSlot& slot = paths_[index];
    if (slot.warned.contains(verdict)) {
        qCDebug(lcMembership).noquote() << QStringLiteral("%1: dropped a datagram from %2: %3")
                                               .arg(slot.path->name(), source, describe(verdict));
        return;
    }
    slot.warned << verdict;
    qCWarning(lcMembership).noquote()
        << QStringLiteral("%1: dropped a datagram from %2: %3 (further ones are only counted)")
               .arg(slot.path->name(), source, describe(verdict));
}

void HeartbeatManager::onTransportFailed(size_t index, const QString& message) {
    bool first = false;
    QString name;
    {
        QMutexLocker lock(&mutex_);
        PathSlot& slot = paths_[index];
        if (!running_ || !slot.open)
            return;
        first = !slot.failing;
        slot.failing = true;
        slot.error = message; // shown in the status while it lasts
        name = slot.path->name();
    }
    // Once per failure: a persistent error must not flood the alerts.
    if (!first) {
        qCDebug(lcMembership).noquote() << message;
        return;
    }
    qCWarning(lcMembership).noquote()
        << message << "(the path delivers nothing until it works again; the other paths go on)";
    emit pathError(name, message);
}

void HeartbeatManager::onTransportRecovered(size_t index) {
    QString name;
    {
        QMutexLocker lock(&mutex_);
        PathSlot& slot = paths_[index];
        if (!slot.failing)
            return;
        slot.failing = false;
        slot.error.clear();
        name = slot.path->name();
    }
    qCInfo(lcMembership).noquote() << QStringLiteral("%1: the transport works again").arg(name);
}

void HeartbeatManager::onKernelAlive(size_t index, const QString& peer, const QString& source,
                                     qint64 ackAgeMs) {
    const auto now = Clock::now();
    QMutexLocker lock(&mutex_);
    if (!running_)
        return;
    PathSlot& slot = paths_[index];
    const auto proven = slot.provenSources.constFind(peer);
    if (proven == slot.provenSources.cend() || proven->first != source)
        return; // this connection never carried a packet of the peer (or another one did since)
    // Only ever extends a Normal path (MembershipTracker::keepAlive): no event comes of it.
    tracker_->keepAlive(peer, slot.path->name(), proven->second,
                        now - std::chrono::milliseconds(std::max<qint64>(0, ackAgeMs)));
}

void HeartbeatManager::applyLocked(const QList<MembershipEvent>& events) {
    for (const auto& event : events)
        if (event.kind == MembershipEvent::Kind::PeerDown) {
            // Announce the peer's hash and state again when it comes back.
            PeerInfo& info = peerInfo_[event.peer];
            info.hashAnnounced = false;
            info.stateAnnounced = false;
        }
}

void HeartbeatManager::emitAll(const QList<MembershipEvent>& events,
                               const PeerAnnouncement& announcement) {
    bool announced = false;
    const auto announce = [&] {
        if (announced || announcement.peer.isEmpty())
            return;
        announced = true;
        if (announcement.configHash)
            emit peerConfigHash(announcement.peer, *announcement.configHash);
        if (announcement.state)
            emit peerStateChanged(announcement.peer, *announcement.state);
    };
    for (const auto& event : events) {
        switch (event.kind) {
        case MembershipEvent::Kind::PeerUp:
            // What the peer runs with is known before it counts as up.
            if (event.peer == announcement.peer)
                announce();
            qCInfo(lcMembership).noquote() << QStringLiteral("server \"%1\" is up").arg(event.peer);
            emit peerUp(event.peer);
            break;
        case MembershipEvent::Kind::PeerDown:
            qCWarning(lcMembership).noquote()
                << QStringLiteral("server \"%1\" is down: %2").arg(event.peer, why(event.cause));
            emit peerDown(event.peer, event.graceful());
            break;
        case MembershipEvent::Kind::PathChanged:
            qCInfo(lcMembership).noquote()
                << QStringLiteral("heartbeat \"%1\" to server \"%2\": %3")
                       .arg(event.path, event.peer,
                            event.normal ? QStringLiteral("normal") : QStringLiteral("offline"));
            emit pathStateChanged(event.peer, event.path, event.normal);
            break;
        }
    }
    announce();
}

QStringList HeartbeatManager::setupIssues() const {
    return setupIssues_;
}

MembershipSnapshot HeartbeatManager::snapshot() const {
    MembershipSnapshot snap;
    snap.localServer = localServer_;
    snap.incarnation = incarnation_;
    snap.intervalMs = interval_.count();
    snap.setupIssues = setupIssues_;
    QMutexLocker lock(&mutex_);
    const auto now = Clock::now();
    snap.sequence = sequence_;
    snap.localState = localState_;
    snap.running = running_;
    snap.sending = sending_;
    snap.timeoutRatio = timeoutRatio_;
    snap.timeoutMs = tracker_->timeout().count();
    for (const auto& name : tracker_->peers()) {
        MembershipSnapshot::Peer peer;
        peer.name = name;
        peer.status = tracker_->peerStatus(name);
        peer.left = tracker_->peerLeft(name);
        peer.incarnation = tracker_->incarnation(name).value_or(0);
        const auto info = peerInfo_.constFind(name);
        if (info != peerInfo_.cend()) {
            peer.configHash = info->configHash;
            peer.state = info->state;
        }
        for (const auto& path : tracker_->pathsOf(name)) {
            MembershipSnapshot::PeerPath view;
            view.path = path;
            view.status = tracker_->pathStatus(name, path);
            if (const auto heard = tracker_->lastHeard(name, path))
                view.lastHeardAgeMs = ageMs(now, *heard);
            peer.paths << view;
        }
        snap.peers << peer;
    }
    for (const auto& slot : paths_) {
        MembershipSnapshot::Path path;
        path.name = slot.path->name();
        path.type = slot.path->type();
        path.localEndpoint = slot.path->localEndpoint();
        path.peers = slot.path->peers();
        path.open = slot.open;
        path.error = slot.error;
        path.localNormal = slot.open && !slot.failing && tracker_->localPathNormal(path.name);
        path.counters = slot.inbox->counters();
        snap.paths << path;
    }
    return snap;
}

} // namespace lifeline::cluster
