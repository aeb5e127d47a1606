#pragma once

#include "Alert.h"

#include <QHash>
#include <QJsonObject>
#include <QList>
#include <QSqlDatabase>
#include <QString>

#include <optional>

namespace lifeline::daemon {

// Which alerts a listing wants (the control command "alerts", clpstat --alert).
struct AlertFilter {
    int max = 0;    // the newest `max` of them (0: all)
    QString server; // raised by this server only
    std::optional<Alert::Type> type;
    QString module;

    bool matches(const Alert& alert) const;
    // {max?, server?, type?, module?}; nothing (and *error) when a value is of the wrong kind.
    static std::optional<AlertFilter> fromJson(const QJsonObject& args, QString* error);
};

// The alert history of one server in SQLite (<state dir>/alerts.db): its own alerts and those it
// received from the other servers. WAL journal with synchronous=FULL: every committed alert is
// in the WAL on disk before the next one is written, so neither a crash of lifelined nor a
// power loss (the final action of a server is often a reboot or a panic) loses one. Bounded:
// when a row more than maxRows would be stored, the oldest tenth is deleted.
//
// Not thread-safe: one thread opens and uses it (AlertLog gives it a thread of its own, so a
// slow fsync never holds up the cluster service).
class AlertStore {
public:
    static constexpr int kDefaultMaxRows = 10000;

    AlertStore(QString path, QString localServer, int maxRows = kDefaultMaxRows);
    ~AlertStore();
    AlertStore(const AlertStore&) = delete;
    AlertStore& operator=(const AlertStore&) = delete;

    // Creates the file and the tables when missing.
    bool open(QString* error);
    bool isOpen() const { return open_; }
    QString path() const { return path_; }
    int maxRows() const { return maxRows_; }
    int count() const { return count_; }

    // An alert raised here: numbered (alert.seq) and stored in one transaction. A new store
    // starts numbering at the current time in ms, so that a store that was lost and made
    // again never reuses a number the other servers have already seen.
    bool append(Alert& alert, QString* error = nullptr);

    struct MergeResult {
        bool ok = true;
        int inserted = 0;
        bool gap = false; // `contiguous` and a server's first alert does not follow its mark
        QString error;
    };
    // Alerts from elsewhere: stored unless (server, seq) is there already. With `contiguous`
    // (a push of new alerts) a server's alerts are only taken when they follow what is stored
    // of that server; otherwise `gap` says to fetch what is missing first.
    MergeResult merge(QList<Alert> alerts, bool contiguous = false);

    // The highest sequence number stored per server (kept when its rows are rotated away).
    QHash<QString, qint64> marks() const;
    // What a server holding `marks` lacks: per server, the alerts above its mark, oldest first,
    // at most `limit` in all; *more when there are more.
    QList<Alert> since(const QHash<QString, qint64>& marks, int limit, bool* more) const;
    // The alerts the filter selects, newest last.
    QList<Alert> query(const AlertFilter& filter) const;

private:
    bool insert(const Alert& alert, bool* inserted, QString* error);
    bool rotate(QString* error);
    bool commitOrRollback(bool ok, QString* error);

    QString path_;
    QString local_;
    int maxRows_;
    QString connection_;
    QSqlDatabase db_;
    bool open_ = false;
    int count_ = 0;
    QHash<QString, qint64> marks_; // cache of the marks table
};

} // namespace lifeline::daemon
