#pragma once

#include "ControlBackend.h"

#include <QByteArray>
#include <QHash>
#include <QJsonObject>
#include <QObject>
#include <QTimer>
#include <functional>

namespace lifeline::webmgr {

// GET /api/v1/events: live updates as server-sent events. While at least one stream is
// open the feed asks lifelined for `status` every 250 ms and for the newest alerts every
// second, and sends every stream an event when the view changed (`status`: cluster,
// servers, groups with resources, monitors — the /api/v1 shapes) and when alerts arrived
// (`alerts`: the new ones). With nobody listening it asks nothing. A new stream gets the
// current view at once. At most kMaxStreams streams; a comment every 15 s lets a stream
// notice a client that left.
class EventFeed : public QObject {
    Q_OBJECT
public:
    using Send = std::function<void(const QByteArray&)>;
    static constexpr int kMaxStreams = 32;
    static constexpr int kPollMs = 250;
    static constexpr int kAlertEvery = 4;      // polls: alerts once a second
    static constexpr int kKeepaliveEvery = 60; // polls: a comment every 15 s
    static constexpr int kAlertWindow = 100;   // newest alerts looked at per poll

    explicit EventFeed(ControlBackend& control, QObject* parent = nullptr);

    // A new stream; `send` gets whole frames. -1 when kMaxStreams are open.
    int subscribe(Send send);
    void unsubscribe(int id);
    int streams() const { return int(streams_.size()); }
    bool polling() const { return timer_.isActive(); }

    // One poll now (the timer calls it; tests call it directly).
    void poll();

    // The start of every stream (reconnect after 1 s) and one event, as text/event-stream.
    static QByteArray preamble();
    static QByteArray frame(const QByteArray& event, const QJsonObject& data, qint64 id);
    // The `status` event's data made from lifelined's `status` result.
    static QJsonObject view(const QJsonObject& status);

private:
    void broadcast(const QByteArray& bytes);
    void onStatus(const control::ControlReply& reply);
    void onAlerts(const control::ControlReply& reply);

    ControlBackend& control_;
    QTimer timer_;
    QHash<int, Send> streams_;
    int nextStream_ = 1;
    qint64 nextEvent_ = 1;
    int ticks_ = 0;
    bool statusBusy_ = false;
    bool alertsBusy_ = false;
    QJsonObject last_;            // the last view sent (empty: none yet)
    QByteArray lastFrame_;        // ... as a frame, for new streams
    bool alertBaseline_ = false;  // the alerts already there were noted
    QHash<QString, qint64> marks_; // per server the highest alert seq seen
};

} // namespace lifeline::webmgr
