#include "LogCollector.h"

#include "AlertLog.h"
#include "ClusterService.h"
#include "LogCollection.h"

#include "ControlServer.h"
#include "RpcServer.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QUuid>

#include <algorithm>

namespace lifeline::daemon {

namespace {

const QStringList kMethods{QStringLiteral("logs.collect"), QStringLiteral("logs.read"),
                           QStringLiteral("logs.release")};

} // namespace

LogCollector::LogCollector(ClusterService& service, control::ControlServer& control,
                           rpc::RpcServer& rpcServer, PeerCall call, QObject* parent)
    : QObject(parent), service_(service), call_(std::move(call)),
      dir_(service.paths().stateDir() + QStringLiteral("/logcc")) {
    // What an earlier lifelined left is nobody's any more.
    QDir(dir_).removeRecursively();
    QDir().mkpath(dir_);
    QFile::setPermissions(dir_,
                          QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ExeOwner);
    registerCommands(control, rpcServer);
    expiry_.setInterval(60 * 1000);
    connect(&expiry_, &QTimer::timeout, this, &LogCollector::expire);
    expiry_.start();
}

LogCollector::~LogCollector() {
    for (auto& [id, a] : archives_) {
        a->cancelled->store(true);
        if (a->thread.joinable())
            a->thread.join();
        QFile::remove(a->path);
    }
}

void LogCollector::registerCommands(control::ControlServer& control, rpc::RpcServer& rpcServer) {
    for (const auto& method : kMethods) {
        // clplogcc: `server` (default: this one) says whose archive is meant. Archives hold
        // scripts and logs: root only.
        control.registerCommand(
            method, control::Access::Write,
            [this, method](const control::Request& request, control::Responder r) {
                const QString server =
                    request.args.value("server").toString(service_.localServer());
                if (!service_.config().server(server)) {
                    r.fail(QStringLiteral("not-found"),
                           QStringLiteral("no server named \"%1\" in the cluster").arg(server));
                    return;
                }
                if (server == service_.localServer()) {
                    auto answer = local(method, request.args);
                    if (!answer.code.isEmpty()) {
                        r.fail(answer.code, answer.error);
                        return;
                    }
                    answer.result.insert("server", server);
                    r.reply(answer.result);
                    return;
                }
                QJsonObject params = request.args;
                params.remove("server");
                call_(server, method, params, kRpcTimeoutMs,
                      relayTo(r, server));
            });
        rpcServer.registerMethod(method, [this, method](const QJsonObject& params, const QString&,
                                                        rpc::RpcServer::Responder r) {
            const auto answer = local(method, params);
            if (answer.code.isEmpty())
                r.reply(answer.result);
            else
                r.fail(answer.error);
        });
    }
}

LogCollector::Answer LogCollector::local(const QString& method, const QJsonObject& args) {
    if (method == QLatin1String("logs.collect"))
        return collect(args);
    if (method == QLatin1String("logs.read"))
        return read(args);
    return release(args);
}

// {type?} -> {id, name}: the archive is being built; logs.read says when it is ready.
LogCollector::Answer LogCollector::collect(const QJsonObject& args) {
    const QString typeName = args.value("type").toString(QStringLiteral("type1"));
    const auto type = LogCollection::typeFromName(typeName);
    if (!type)
        return {
            {},
            QStringLiteral("bad-request"),
            QStringLiteral("unknown collection type \"%1\" (type1, type2 or type3)").arg(typeName)};
    if (archives_.size() >= size_t(kMaxArchives))
        return {{},
                QStringLiteral("unavailable"),
                QStringLiteral("%1 is busy: %2 log collections are under way or not yet released")
                    .arg(service_.localServer())
                    .arg(kMaxArchives)};
    const QString id = QUuid::createUuid().toString(QUuid::WithoutBraces);
    auto archive = std::make_unique<Archive>();
    LogCollection::Input input{
        service_.paths(), service_.localServer(), *type, QDateTime::currentDateTime(), {}, {}};
    archive->name = LogCollection::baseName(input.server, input.time) + QStringLiteral(".tar.gz");
    archive->path = dir_ + QLatin1Char('/') + id + QStringLiteral(".tar.gz");
    archive->lastUse.start();
    const QJsonObject result{{"id", id}, {"name", archive->name}, {"type", typeName.toLower()}};
    archives_.emplace(id, std::move(archive));
    // The alert store answers on its own thread; then the build gets a thread of its own.
    service_.alerts().query(AlertFilter{}, [this, id, input](const QList<Alert>& alerts) mutable {
        const auto it = archives_.find(id);
        if (it == archives_.end())
            return;
        Archive& a = *it->second;
        input.alerts = alerts;
        input.status = QJsonDocument(service_.status()).toJson();
        a.thread = std::thread([this, id, input = std::move(input), path = a.path, limits = limits_,
                                cancelled = a.cancelled] {
            QString error;
            const bool ok = LogCollection::build(input, path, limits, cancelled.get(), &error);
            // The destructor joins this thread first, so `this` outlives the call.
            QMetaObject::invokeMethod(
                this, [this, id, ok, error] { built(id, ok, error); }, Qt::QueuedConnection);
        });
    });
    return {result, {}, {}};
}

void LogCollector::built(const QString& id, bool ok, const QString& error) {
    const auto it = archives_.find(id);
    if (it == archives_.end())
        return;
    Archive& a = *it->second;
    a.thread.join();
    if (a.released) {
        drop(id);
        return;
    }
    a.ready = ok;
    a.error = ok ? QString() : error;
    a.size = ok ? QFileInfo(a.path).size() : 0;
    a.lastUse.start();
}

// {id, offset, length?} -> {ready: false} while it is built, then {ready, size, offset, data
// (base64), eof}.
LogCollector::Answer LogCollector::read(const QJsonObject& args) {
    const QString id = args.value("id").toString();
    const auto it = archives_.find(id);
    if (it == archives_.end())
        return {{},
                QStringLiteral("not-found"),
                QStringLiteral("%1 has no log archive \"%2\" (released, or unread for %3 min)")
                    .arg(service_.localServer(), id)
                    .arg(kUnreadLifetimeMs / 60000)};
    Archive& a = *it->second;
    a.lastUse.start();
    if (!a.error.isEmpty()) {
        const QString error = a.error;
        drop(id);
        return {{}, QStringLiteral("failed"), error};
    }
    if (!a.ready)
        return {{{"ready", false}}, {}, {}};
    const qint64 offset = qint64(args.value("offset").toDouble());
    const qint64 length =
        std::clamp<qint64>(args.value("length").toInteger(kChunkBytes), 1, kChunkBytes);
    if (offset < 0 || offset > a.size)
        return {
            {},
            QStringLiteral("bad-request"),
            QStringLiteral("offset %1 is outside the archive (%2 bytes)").arg(offset).arg(a.size)};
    QFile file(a.path);
    if (!file.open(QIODevice::ReadOnly) || !file.seek(offset))
        return {{},
                QStringLiteral("failed"),
                QStringLiteral("cannot read %1: %2").arg(a.path, file.errorString())};
    const QByteArray data = file.read(length);
    if (data.size() != std::min(length, a.size - offset))
        return {{},
                QStringLiteral("failed"),
                QStringLiteral("cannot read %1: %2").arg(a.path, file.errorString())};
    return {{{"ready", true},
             {"size", double(a.size)},
             {"offset", double(offset)},
             {"data", QString::fromLatin1(data.toBase64())},
             {"eof", offset + data.size() >= a.size}},
            {},
            {}};
}

// {id} -> {}: the archive is deleted (a build under way is cancelled). Idempotent.
LogCollector::Answer LogCollector::release(const QJsonObject& args) {
    drop(args.value("id").toString());
    return {{}, {}, {}};
}

void LogCollector::drop(const QString& id) {
    const auto it = archives_.find(id);
    if (it == archives_.end())
        return;
    Archive& a = *it->second;
    if (a.thread.joinable()) {
        // Being built: built() drops it when the thread is done.
        a.cancelled->store(true);
        a.released = true;
        return;
    }
    QFile::remove(a.path);
    archives_.erase(it);
}

void LogCollector::expire() {
    QStringList old;
    for (const auto& [id, a] : archives_)
        if (!a->thread.joinable() && a->lastUse.hasExpired(kUnreadLifetimeMs))
            old << id;
    for (const auto& id : old)
        drop(id);
}

} // namespace lifeline::daemon
