#include "DiskHeartbeat.h"

#include "BlockDevice.h"
#include "DiskSlot.h"
#include "HeartbeatPacket.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <sys/stat.h>

namespace lifeline::hb {

DiskHeartbeat::DiskHeartbeat(const QString& name, const QString& device, int localSlot,
                             const QMap<int, QString>& peerSlots, const QString& clusterName,
                             std::chrono::milliseconds interval,
                             std::chrono::milliseconds stallLimit, QObject* parent)
    : HeartbeatPath(name, parent), device_(device), localSlot_(localSlot), peerSlots_(peerSlots),
      clusterId_(DiskSlot::clusterIdOf(clusterName)), interval_(interval), stallLimit_(stallLimit) {
}

DiskHeartbeat::~DiskHeartbeat() {
    close();
}

QString DiskHeartbeat::deviceNameProblem(const QString& info) {
    const QString text = info.trimmed();
    if (text.isEmpty())
        return QStringLiteral("no device path is given");
    if (text.startsWith(QLatin1String("UUID="), Qt::CaseInsensitive) ||
        text.startsWith(QLatin1String("LABEL="), Qt::CaseInsensitive))
        return QStringLiteral("\"%1\" names a file system, and a disk heartbeat partition has "
                              "none: give its path (/dev/sdb2, /dev/disk/by-id/..., "
                              "/dev/disk/by-path/...)")
            .arg(text);
    if (!text.startsWith(QLatin1Char('/')))
        return QStringLiteral("\"%1\" is not an absolute path: give the partition's path "
                              "(/dev/sdb2, /dev/disk/by-id/..., /dev/disk/by-partuuid/...)")
            .arg(text);
    return {};
}

std::chrono::milliseconds DiskHeartbeat::readPeriodFor(std::chrono::milliseconds interval) {
    return std::max(std::chrono::milliseconds(10), interval / 4);
}

std::unique_ptr<HeartbeatPath> DiskHeartbeat::create(const PathContext& context, QString* error) {
    const auto fail = [&](const QString& what) -> std::unique_ptr<HeartbeatPath> {
        if (error)
            *error = context.setupError(what);
        return nullptr;
    };
    const int deviceId = context.heartbeat.deviceId;
    const auto servers = context.config.serversByPriority();
    int localSlot = -1;
    QMap<int, QString> peerSlots;
    for (int slot = 0; slot < servers.size(); ++slot) {
        const auto& server = servers[slot];
        const config::Device* device = server.device(deviceId);
        if (server.name == context.localServer)
            localSlot = slot;
        else if (device && device->type == QLatin1String("disk"))
            peerSlots.insert(slot, server.name);
    }
    const config::Server* local = context.config.server(context.localServer);
    if (!local || localSlot < 0)
        return fail(QStringLiteral("the server is not in the configuration"));
    const config::Device* device = local->device(deviceId);
    if (!device)
        return fail(
            QStringLiteral("the server has no device %1, so it is not on this path").arg(deviceId));
    if (device->type != QLatin1String("disk"))
        return fail(QStringLiteral("device %1 is of type \"%2\", not disk")
                        .arg(deviceId)
                        .arg(device->type));
    if (const QString problem = deviceNameProblem(device->info); !problem.isEmpty())
        return fail(QStringLiteral("device %1: %2").arg(deviceId).arg(problem));
    if (servers.size() > DiskSlot::kMaxSlots)
        return fail(QStringLiteral("%1 servers; the disk layout has %2 slots")
                        .arg(servers.size())
                        .arg(DiskSlot::kMaxSlots));
    const auto interval =
        std::chrono::milliseconds(std::max(1, context.config.cluster.heartbeatIntervalMs));
    const auto timeout =
        std::chrono::milliseconds(std::max(1, context.config.cluster.heartbeatTimeoutMs));
    return std::make_unique<DiskHeartbeat>(context.heartbeat.name, device->info.trimmed(),
                                           localSlot, peerSlots, context.config.cluster.name,
                                           interval, timeout);
}

QStringList DiskHeartbeat::peers() const {
    QStringList names = peerSlots_.values();
    names.sort();
    return names;
}

QString DiskHeartbeat::localEndpoint() const {
    return QStringLiteral("%1 slot %2").arg(device_).arg(localSlot_);
}

bool DiskHeartbeat::open() {
    if (worker_)
        return true;
    // Only what cannot block here (a lookup in /dev); the device is opened by the worker.
    struct stat st {};
    if (::stat(device_.toLocal8Bit().constData(), &st) != 0) {
        setErrorString(QStringLiteral("%1: cannot use %2: %3")
                           .arg(name(), device_, qt_error_string(errno)));
        return false;
    }
    if (!S_ISBLK(st.st_mode)) {
        setErrorString(QStringLiteral("%1: %2 is not a block device").arg(name(), device_));
        return false;
    }
    setErrorString(QString());
    DiskHeartbeatWorker::Settings settings;
    settings.path = name();
    settings.device = device_;
    settings.deviceDescription = describeBlockDevice(device_);
    settings.localSlot = localSlot_;
    settings.peerSlots = peerSlots_;
    settings.clusterId = clusterId_;
    settings.incarnation = HeartbeatPacket::newIncarnation();
    settings.readPeriod = readPeriodFor(interval_);
    settings.reopenPeriod = reopenPeriod_;
    settings.hook = hook_;
    worker_ = std::make_unique<DiskHeartbeatWorker>(std::move(settings));
    worker_->start();
    return true;
}

void DiskHeartbeat::close() {
    if (!worker_)
        return;
    worker_->stop(); // bounded: a stuck worker is left to end by itself
    worker_.reset();
}

int DiskHeartbeat::send(const QByteArray& datagram) {
    if (!worker_)
        return 0;
    worker_->post(datagram);
    return worker_->failing() ? 0 : int(peerSlots_.size());
}

void DiskHeartbeat::readPending() {
    if (!worker_)
        return;
    worker_->checkStall(stallLimit_);
    for (const auto& event : worker_->takeEvents()) {
        if (event.failed)
            emit transportFailed(event.message);
        else
            emit transportRecovered();
        if (!worker_)
            return; // closed by a slot
    }
    for (const auto& delivery : worker_->takeDeliveries()) {
        emit datagramReceived(delivery.datagram, delivery.source, delivery.peer);
        if (!worker_)
            return;
    }
}

DiskHeartbeat::Stats DiskHeartbeat::stats() const {
    return worker_ ? worker_->stats() : Stats{};
}

} // namespace lifeline::hb
