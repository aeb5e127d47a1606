#include "EventFeed.h"

#include "ApiViews.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QPointer>

namespace lifeline::webmgr {

namespace {
constexpr int kStatusTimeoutMs = 5000;
}

EventFeed::EventFeed(ControlBackend& control, QObject* parent) : QObject(parent), control_(control) {
    timer_.setInterval(kPollMs);
    connect(&timer_, &QTimer::timeout, this, &EventFeed::poll);
}

int EventFeed::subscribe(Send send) {
    if (streams_.size() >= kMaxStreams)
        return -1;
    const int id = nextStream_++;
    send(preamble());
    if (!lastFrame_.isEmpty())
        send(lastFrame_);
    streams_.insert(id, std::move(send));
    if (!timer_.isActive()) {
        timer_.start();
        poll(); // the first view at once, not after 250 ms
    }
    return id;
}

void EventFeed::unsubscribe(int id) {
    streams_.remove(id);
    if (!streams_.isEmpty())
        return;
    // Nobody listens: stop asking, and start afresh for the next one.
    timer_.stop();
    ticks_ = 0;
    last_ = {};
    lastFrame_.clear();
    alertBaseline_ = false;
    marks_.clear();
}

QByteArray EventFeed::preamble() { return "retry: 1000\n\n"; }

QByteArray EventFeed::frame(const QByteArray& event, const QJsonObject& data, qint64 id) {
    QByteArray out = "id: " + QByteArray::number(id) + "\nevent: " + event + '\n';
    // Compact JSON has no line breaks, but a data line must never hold one.
    for (const QByteArray& line : QJsonDocument(data).toJson(QJsonDocument::Compact).split('\n'))
        out += "data: " + line + '\n';
    return out + '\n';
}

QJsonObject EventFeed::view(const QJsonObject& status) {
    return {{"available", true},
            {"cluster", ApiViews::cluster(status).value(QLatin1String("cluster"))},
            {"servers", ApiViews::servers(status, false).value(QLatin1String("servers"))},
            {"groups", ApiViews::groups(status, true).value(QLatin1String("groups"))},
            {"monitors", ApiViews::monitors(status).value(QLatin1String("monitors"))}};
}

void EventFeed::broadcast(const QByteArray& bytes) {
    // A stream's `send` may end it (a dead socket): iterate over a copy.
    const auto streams = streams_;
    for (const auto& send : streams)
        send(bytes);
}

void EventFeed::poll() {
    const int tick = ticks_++;
    if (tick > 0 && tick % kKeepaliveEvery == 0)
        broadcast(": keepalive\n\n");
    QPointer<EventFeed> self(this);
    if (!statusBusy_) { // a slow lifelined gets no pile of requests
        statusBusy_ = true;
        control_.call(QStringLiteral("status"), {}, kStatusTimeoutMs,
                      [self](const control::ControlReply& r) {
                          if (self)
                              self->onStatus(r);
                      });
    }
    if (tick % kAlertEvery == 0 && !alertsBusy_) {
        alertsBusy_ = true;
        control_.call(QStringLiteral("alerts"), {{"max", kAlertWindow}}, kStatusTimeoutMs,
                      [self](const control::ControlReply& r) {
                          if (self)
                              self->onAlerts(r);
                      });
    }
}

void EventFeed::onStatus(const control::ControlReply& reply) {
    statusBusy_ = false;
    if (streams_.isEmpty())
        return;
    const QJsonObject now = reply.ok() ? view(reply.result)
                                       : QJsonObject{{"available", false}, {"message", reply.message}};
    if (now == last_)
        return;
    last_ = now;
    lastFrame_ = frame("status", now, nextEvent_++);
    broadcast(lastFrame_);
}

void EventFeed::onAlerts(const control::ControlReply& reply) {
    alertsBusy_ = false;
    if (!reply.ok() || streams_.isEmpty())
        return;
    QJsonArray fresh;
    for (const auto& v : reply.result.value(QLatin1String("alerts")).toArray()) {
        const auto a = v.toObject();
        const QString server = a.value(QLatin1String("server")).toString();
        const qint64 seq = a.value(QLatin1String("seq")).toInteger();
        if (marks_.contains(server) && seq <= marks_.value(server))
            continue;
        // A server first heard now: its alerts are new unless this is the first look.
        marks_.insert(server, seq);
        if (alertBaseline_)
            fresh.append(a);
    }
    alertBaseline_ = true;
    if (!fresh.isEmpty())
        broadcast(frame("alerts", {{"alerts", fresh}}, nextEvent_++));
}

} // namespace lifeline::webmgr
