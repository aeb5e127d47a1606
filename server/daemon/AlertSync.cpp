#include "AlertSync.h"

#include "AlertLog.h"

#include "RpcServer.h"

#include <QJsonArray>

#include <algorithm>
#include <utility>

namespace lifeline::daemon {

namespace {

QJsonArray toJson(const QList<Alert>& alerts) {
    QJsonArray out;
    for (const auto& a : alerts)
        out.append(a.toJson());
    return out;
}

QList<Alert> fromJson(const QJsonArray& array) {
    QList<Alert> out;
    for (const auto& v : array)
        if (auto a = Alert::fromJson(v.toObject()))
            out.append(*a);
    return out;
}

} // namespace

AlertSync::AlertSync(AlertLog& alerts, std::function<QStringList()> peers, PeerCall call,
                     rpc::RpcServer& rpcServer, QObject* parent)
    : QObject(parent), alerts_(alerts), peers_(std::move(peers)), call_(std::move(call)) {
    registerMethods(rpcServer);
    connect(&alerts_, &AlertLog::stored, this, &AlertSync::onStored);
    periodic_.setInterval(kPullIntervalMs);
    connect(&periodic_, &QTimer::timeout, this, [this] {
        for (const auto& peer : peers_())
            pull(peer);
    });
}

void AlertSync::start() {
    for (const auto& peer : peers_())
        pull(peer);
    periodic_.start();
}

void AlertSync::peerUp(const QString& peer) {
    state_[peer].unreachable = false;
    pull(peer);
}

void AlertSync::registerMethods(rpc::RpcServer& rpcServer) {
    // (RpcServer's caller check admits only servers of the configuration.)
    // {marks: {server: seq}, limit} -> {alerts: [...], more}: what the caller lacks.
    rpcServer.registerMethod(
        QStringLiteral("alerts.since"),
        [this](const QJsonObject& params, const QString&,
                       rpc::RpcServer::Responder r) {
            QHash<QString, qint64> marks;
            const auto m = params.value("marks").toObject();
            for (auto it = m.begin(); it != m.end(); ++it)
                marks.insert(it.key(), qint64(it.value().toDouble()));
            const int limit = std::clamp(params.value("limit").toInt(kBatch), 1, kBatch);
            alerts_.since(marks, limit, [r](const QList<Alert>& alerts, bool more) {
                r.reply({{"alerts", toJson(alerts)}, {"more", more}});
            });
        });
    // {alerts: [...]} -> {inserted}: new alerts of the caller.
    rpcServer.registerMethod(
        QStringLiteral("alerts.push"),
        [this](const QJsonObject& params, const QString& peer,
                       rpc::RpcServer::Responder r) {
            state_[peer].unreachable = false; // it reaches us: push to it again
            alerts_.merge(fromJson(params.value("alerts").toArray()), true,
                          [this, peer, r](const AlertStore::MergeResult& result) {
                              if (result.gap)
                                  pull(peer);
                              r.reply({{"inserted", result.inserted}});
                          });
        });
}

void AlertSync::pull(const QString& peer) {
    auto& p = state_[peer];
    if (p.pulling) {
        p.pullAgain = true;
        return;
    }
    p.pulling = true;
    pullNext(peer);
}

void AlertSync::pullNext(const QString& peer) {
    alerts_.marks([this, peer](const QHash<QString, qint64>& marks) {
        QJsonObject m;
        for (auto it = marks.begin(); it != marks.end(); ++it)
            m.insert(it.key(), double(it.value()));
        call_(peer, QStringLiteral("alerts.since"), {{"marks", m}, {"limit", kBatch}}, kTimeoutMs,
              [this, peer](bool ok, const QJsonObject& result, const QString&) {
                  if (!ok) {
                      // Down or not started: it is asked again when it comes up.
                      auto& p = state_[peer];
                      p.unreachable = true;
                      p.queue.clear();
                      p.pulling = p.pullAgain = false;
                      return;
                  }
                  state_[peer].unreachable = false;
                  const auto alerts = fromJson(result.value("alerts").toArray());
                  const bool more = result.value("more").toBool() && !alerts.isEmpty();
                  alerts_.merge(alerts, false,
                                [this, peer, more](const AlertStore::MergeResult& merged) {
                                    if (merged.ok && more) {
                                        pullNext(peer);
                                        return;
                                    }
                                    auto& p = state_[peer];
                                    p.pulling = false;
                                    if (std::exchange(p.pullAgain, false))
                                        pull(peer);
                                });
              });
    });
}

void AlertSync::onStored(const Alert& alert) {
    for (const auto& peer : peers_()) {
        auto& p = state_[peer];
        if (p.unreachable)
            continue;
        p.queue.append(alert);
        if (p.queue.size() > kPushQueue)
            p.queue.clear(); // it fetches them when the next push shows the gap
        push(peer);
    }
}

void AlertSync::push(const QString& peer) {
    auto& p = state_[peer];
    if (p.pushing || p.queue.isEmpty())
        return;
    const QList<Alert> batch = p.queue.mid(0, kBatch);
    const qint64 last = batch.last().seq;
    p.pushing = true;
    call_(peer, QStringLiteral("alerts.push"), {{"alerts", toJson(batch)}}, kTimeoutMs,
          [this, peer, last](bool ok, const QJsonObject&, const QString&) {
              auto& p = state_[peer];
              p.pushing = false;
              if (!ok) {
                  p.unreachable = true;
                  p.queue.clear();
                  return;
              }
              while (!p.queue.isEmpty() && p.queue.first().seq <= last)
                  p.queue.removeFirst();
              push(peer);
          });
}

} // namespace lifeline::daemon
