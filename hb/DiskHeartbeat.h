#pragma once

#include "DiskHeartbeatWorker.h"
#include "HeartbeatPath.h"

#include <QMap>
#include <chrono>
#include <memory>

namespace lifeline::hb {

// diskhb: heartbeats through slots on a dedicated partition of a shared disk (README.md,
// "diskhb"). The device is this server's disk device of the heartbeat's device id (a path or a
// /dev/disk/by-id, by-path symlink); the peers are the servers that define that device id.
// Every server owns the slot of its position in the priority order. All disk I/O runs on a
// DiskHeartbeatWorker thread: send() hands the datagram over, readPending() delivers what the
// worker read, so the heartbeat thread never waits for the disk. A hung or failing disk gives
// transportFailed() once and makes the path deliver nothing (its peers then time out on it).
class DiskHeartbeat : public HeartbeatPath {
    Q_OBJECT
public:
    using IoOp = DiskHeartbeatWorker::IoOp;
    using IoHook = DiskHeartbeatWorker::IoHook;
    using Stats = DiskHeartbeatWorker::Stats;

    // `peerSlots`: slot -> peer; `interval`: the heartbeat interval (the slots are read every
    // readPeriodFor(interval)); `stallLimit`: an I/O pending that long is reported as a failure.
    DiskHeartbeat(const QString& name, const QString& device, int localSlot,
                  const QMap<int, QString>& peerSlots, const QString& clusterName,
                  std::chrono::milliseconds interval, std::chrono::milliseconds stallLimit,
                  QObject* parent = nullptr);
    ~DiskHeartbeat() override;

    // From the configuration: this server's device `heartbeat.deviceId` (type disk), the slots
    // by the servers' priority order, the cluster's heartbeat interval and timeout.
    static std::unique_ptr<HeartbeatPath> create(const PathContext& context, QString* error);
    // Why `info` cannot name a heartbeat partition (UUID=, LABEL=, a relative path), or empty.
    static QString deviceNameProblem(const QString& info);
    // interval / 4 (at least 10 ms): a peer's new slot is seen at most that late, well inside
    // the one-interval window the cross-path gate allows between copies of a packet.
    static std::chrono::milliseconds readPeriodFor(std::chrono::milliseconds interval);

    QString type() const override { return QStringLiteral("diskhb"); }
    QStringList peers() const override;
    QString localEndpoint() const override;
    QString device() const { return device_; }
    int localSlot() const { return localSlot_; }
    QMap<int, QString> peerSlots() const { return peerSlots_; }

    bool open() override;
    void close() override;
    bool isOpen() const override { return worker_ != nullptr; }
    // Hands the datagram to the worker (the latest replaces one not yet written); returns the
    // number of peers, or 0 while the path is failing.
    int send(const QByteArray& datagram) override;
    // Emits what the worker found since the last call: transportFailed/Recovered, then the
    // datagrams of the peer slots that moved.
    void readPending() override;

    // Test seam, before open(): see DiskHeartbeatWorker::IoHook.
    void setIoHook(IoHook hook) { hook_ = std::move(hook); }
    void setReopenPeriod(std::chrono::milliseconds period) { reopenPeriod_ = period; }
    // I/O done so far by the current worker (zero when closed).
    Stats stats() const;

private:
    QString device_;
    int localSlot_;
    QMap<int, QString> peerSlots_;
    quint64 clusterId_;
    std::chrono::milliseconds interval_;
    std::chrono::milliseconds stallLimit_;
    std::chrono::milliseconds reopenPeriod_{1000};
    IoHook hook_;
    std::unique_ptr<DiskHeartbeatWorker> worker_;
};

} // namespace lifeline::hb
