#include "TimeoutRatioSync.h"

#include "ClusterService.h"

#include "ControlServer.h"
#include "RpcServer.h"

#include <cmath>
#include <memory>

namespace lifeline::daemon {

TimeoutRatioSync::TimeoutRatioSync(ClusterService& service, control::ControlServer& control,
                                   rpc::RpcServer& rpcServer, PeerCall call, QObject* parent)
    : QObject(parent), service_(service), call_(std::move(call)),
      ratio_(service.paths().stateDir() + QStringLiteral("/timeoutratio.json"), service.localServer(),
             service.alerts()) {
    connect(&ratio_, &TimeoutRatio::ratioChanged, this, [this](int ratio) { service_.setTimeoutRatio(ratio); });
    ratio_.load();
    service_.setTimeoutRatio(ratio_.ratio());
    registerCommands(control);
    registerMethods(rpcServer);
    // Whenever a server is heard (again), the two compare their records.
    connect(&service_, &ClusterService::peerUp, this, [this](const QString& peer) {
        offerTo(peer, [](bool, const QString&) {});
    });
    retry_.setInterval(kRetryMs);
    connect(&retry_, &QTimer::timeout, this, [this] {
        for (const auto& peer : QStringList(undelivered_.begin(), undelivered_.end()))
            offerTo(peer, [](bool, const QString&) {});
        if (undelivered_.isEmpty())
            retry_.stop();
    });
}

QStringList TimeoutRatioSync::peers() const {
    QStringList out;
    for (const auto& s : service_.config().serversByPriority())
        if (s.name != service_.localServer())
            out << s.name;
    return out;
}

void TimeoutRatioSync::offerTo(const QString& peer, std::function<void(bool ok, const QString& error)> done) {
    const QJsonObject record = ratio_.toJson();
    call_(peer, QStringLiteral("timeoutratio.offer"), record, kTimeoutMs,
          [this, peer, record, done](bool ok, const QJsonObject& theirs, const QString& error) {
              if (ok) {
                  // Delivered unless ours changed meanwhile (that one has its own offers).
                  if (ratio_.toJson().value("generation") == record.value("generation"))
                      undelivered_.remove(peer);
                  ratio_.offer(theirs); // theirs may be the greater one
              } else {
                  undelivered_.insert(peer);
                  if (!retry_.isActive())
                      retry_.start();
              }
              done(ok, error);
          });
}

void TimeoutRatioSync::distribute(std::function<void(const QJsonObject& servers)> done) {
    struct Gather {
        QJsonObject servers;
        int pending = 0;
        std::function<void(const QJsonObject&)> done;
    };
    auto gather = std::make_shared<Gather>();
    gather->servers.insert(service_.localServer(), QJsonObject{{"ok", true}});
    gather->done = std::move(done);
    const QStringList others = peers();
    undelivered_ = QSet<QString>(others.begin(), others.end());
    gather->pending = int(others.size());
    if (others.isEmpty()) {
        gather->done(gather->servers);
        return;
    }
    for (const auto& peer : others)
        offerTo(peer, [gather, peer](bool ok, const QString& error) {
            QJsonObject entry{{"ok", ok}};
            if (!ok)
                entry.insert("message", QStringLiteral("%1; it learns the setting when it joins the "
                                                       "cluster").arg(error));
            gather->servers.insert(peer, entry);
            if (--gather->pending == 0)
                gather->done(gather->servers);
        });
}

void TimeoutRatioSync::registerCommands(control::ControlServer& control) {
    using control::Access;
    auto answer = [this](const control::Responder& r) {
        distribute([this, r](const QJsonObject& servers) {
            QJsonObject result = ratio_.toJson();
            result.insert("servers", servers);
            r.reply(result);
        });
    };
    // clptoratio -r RATIO -t TIME: {"ratio": 3, "seconds": 3600}; ratio 1 resets.
    control.registerCommand(
        QStringLiteral("timeoutratio.set"), Access::Write,
        [this, answer](const control::Request& request, control::Responder r) {
            const double ratio = request.args.value("ratio").toDouble(-1);
            const double seconds = request.args.value("seconds").toDouble(-1);
            if (ratio != std::floor(ratio) || ratio < 1 || ratio > TimeoutRatio::kMaxRatio) {
                r.fail(QStringLiteral("bad-request"),
                       QStringLiteral("\"ratio\" must be an integer from 1 to %1").arg(TimeoutRatio::kMaxRatio));
                return;
            }
            if (ratio == 1) {
                ratio_.reset(service_.localServer());
            } else {
                QString error;
                if (!(seconds > 0) ||
                    !ratio_.set(int(ratio), qint64(seconds * 1000), service_.localServer(), &error)) {
                    r.fail(QStringLiteral("bad-request"),
                           error.isEmpty() ? QStringLiteral("\"seconds\" must be a period above 0 and at most "
                                                            "30 days (2592000)")
                                           : error);
                    return;
                }
            }
            answer(r);
        });
    // clptoratio -i
    control.registerCommand(QStringLiteral("timeoutratio.reset"), Access::Write,
                            [this, answer](const control::Request&, control::Responder r) {
                                ratio_.reset(service_.localServer());
                                answer(r);
                            });
    // clptoratio -s
    control.registerCommand(QStringLiteral("timeoutratio.show"), Access::Read,
                            [this](const control::Request&, control::Responder r) { r.reply(ratio_.toJson()); });
}

void TimeoutRatioSync::registerMethods(rpc::RpcServer& rpcServer) {
    // {record} -> {record}: takes the caller's record when it is greater, answers ours.
    rpcServer.registerMethod(QStringLiteral("timeoutratio.offer"),
                             [this](const QJsonObject& params, const QString&, rpc::RpcServer::Responder r) {
                                 ratio_.offer(params);
                                 r.reply(ratio_.toJson());
                             });
}

} // namespace lifeline::daemon
