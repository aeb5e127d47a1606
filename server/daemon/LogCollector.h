#pragma once

#include "LogArchive.h"
#include "PeerCall.h"

#include <QElapsedTimer>
#include <QJsonObject>
#include <QObject>
#include <QString>
#include <QTimer>

#include <atomic>
#include <functional>
#include <map>
#include <memory>
#include <thread>

namespace lifeline::control {
class ControlServer;
}
namespace lifeline::rpc {
class RpcServer;
}

namespace lifeline::daemon {

class ClusterService;

// lifelined's side of clplogcc: control commands logs.collect, logs.read and logs.release
// (`server` names the server; the others are reached over RPC methods of the same names), and
// this server's own archives. A server builds its archive itself (LogCollection) on a thread
// of its own — reading and compressing logs never holds up heartbeats — below
// <state dir>/logcc/, and hands it out in chunks of at most kChunkBytes, so that each request
// is short whatever the size and a server that stops answering is noticed within one RPC
// timeout. An archive is deleted when released, when lifelined starts, or after
// kUnreadLifetimeMs without a read.
class LogCollector : public QObject {
    Q_OBJECT
public:
    static constexpr int kChunkBytes = 512 * 1024; // raw; base64 in JSON, well under 4 MiB
    static constexpr int kRpcTimeoutMs = 5000;
    static constexpr int kMaxArchives = 4; // being built or not yet released, on this server
    static constexpr int kUnreadLifetimeMs = 10 * 60 * 1000;

    LogCollector(ClusterService& service, control::ControlServer& control,
                 rpc::RpcServer& rpcServer, PeerCall call, QObject* parent = nullptr);
    ~LogCollector() override; // cancels the builds under way and waits for them

private:
    struct Archive {
        QString name; // what the collector calls the file: <server>-<time>.tar.gz
        QString path;
        bool ready = false;
        QString error;         // the build failed
        bool released = false; // released while being built: dropped when the build ends
        qint64 size = 0;
        std::shared_ptr<std::atomic_bool> cancelled = std::make_shared<std::atomic_bool>(false);
        std::thread thread;
        QElapsedTimer lastUse;
    };
    // A local answer: the result, or an error code of PROTOCOL.md and a message.
    struct Answer {
        QJsonObject result;
        QString code;
        QString error;
    };

    void registerCommands(control::ControlServer& control, rpc::RpcServer& rpcServer);
    Answer local(const QString& method, const QJsonObject& args);
    Answer collect(const QJsonObject& args);
    Answer read(const QJsonObject& args);
    Answer release(const QJsonObject& args);
    void built(const QString& id, bool ok, const QString& error);
    void drop(const QString& id);
    void expire();

    ClusterService& service_;
    PeerCall call_;
    QString dir_;
    LogArchive::Limits limits_;
    std::map<QString, std::unique_ptr<Archive>> archives_; // by id
    QTimer expiry_;
};

} // namespace lifeline::daemon
