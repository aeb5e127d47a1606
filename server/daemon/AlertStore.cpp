#include "AlertStore.h"

#include <QDir>
#include <QFileInfo>
#include <QSqlError>
#include <QSqlQuery>
#include <QTimeZone>
#include <QVariant>

#include <algorithm>
#include <atomic>

namespace lifeline::daemon {

namespace {

std::atomic<int> connections{0};

QString sqlError(const QSqlQuery& q) {
    return q.lastError().text();
}

constexpr const char* kColumns = "server, seq, time, module, type, event, message";

Alert fromRow(const QSqlQuery& q) {
    Alert a;
    a.server = q.value(0).toString();
    a.seq = q.value(1).toLongLong();
    a.time = QDateTime::fromMSecsSinceEpoch(q.value(2).toLongLong(), QTimeZone::utc());
    a.module = q.value(3).toString();
    a.type = Alert::typeFromName(q.value(4).toString()).value_or(Alert::Type::Info);
    a.id = q.value(5).toInt();
    a.message = q.value(6).toString();
    return a;
}

} // namespace

bool AlertFilter::matches(const Alert& a) const {
    return (server.isEmpty() || a.server == server) && (!type || a.type == *type) &&
           (module.isEmpty() || a.module == module);
}

std::optional<AlertFilter> AlertFilter::fromJson(const QJsonObject& args, QString* error) {
    AlertFilter f;
    const auto max = args.value("max");
    if (!max.isUndefined() && !max.isNull()) {
        if (!max.isDouble() || max.toDouble() < 0 || max.toDouble() != double(max.toInt())) {
            *error = QStringLiteral("\"max\" must be a whole number, 0 or more");
            return std::nullopt;
        }
        f.max = max.toInt();
    }
    for (const auto& [key, out] :
         {std::pair{"server", &f.server}, std::pair{"module", &f.module}}) {
        const auto v = args.value(QLatin1String(key));
        if (!v.isUndefined() && !v.isNull() && !v.isString()) {
            *error = QStringLiteral("\"%1\" must be a string").arg(QLatin1String(key));
            return std::nullopt;
        }
        *out = v.toString();
    }
    const QString type = args.value("type").toString();
    if (!type.isEmpty()) {
        f.type = Alert::typeFromName(type);
        if (!f.type) {
            *error =
                QStringLiteral("\"type\" must be info, warning or error, not \"%1\"").arg(type);
            return std::nullopt;
        }
    }
    return f;
}

AlertStore::AlertStore(QString path, QString localServer, int maxRows)
    : path_(std::move(path)), local_(std::move(localServer)), maxRows_(std::max(1, maxRows)),
      connection_(QStringLiteral("lifeline-alerts-%1").arg(++connections)) {}

AlertStore::~AlertStore() {
    if (db_.isValid()) {
        db_.close();
        db_ = QSqlDatabase();
        QSqlDatabase::removeDatabase(connection_);
    }
}

bool AlertStore::open(QString* error) {
    QDir().mkpath(QFileInfo(path_).absolutePath());
    db_ = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), connection_);
    db_.setDatabaseName(path_);
    // Only lifelined writes; a reader (sqlite3, log collection) never blocks it in WAL mode.
    db_.setConnectOptions(QStringLiteral("QSQLITE_BUSY_TIMEOUT=2000"));
    if (!db_.open()) {
        *error =
            QStringLiteral("cannot open the alert store %1: %2").arg(path_, db_.lastError().text());
        return false;
    }
    QSqlQuery q(db_);
    // journal_mode answers with the mode it got: "wal" unless the file system cannot do it.
    if (!q.exec(QStringLiteral("PRAGMA journal_mode=WAL")) || !q.next() ||
        q.value(0).toString().toLower() != QLatin1String("wal")) {
        *error = QStringLiteral("the alert store %1 cannot use a write-ahead log: %2")
                     .arg(path_, q.lastError().isValid() ? sqlError(q) : q.value(0).toString());
        return false;
    }
    const QStringList setup{
        QStringLiteral("PRAGMA synchronous=FULL"),
        QStringLiteral("CREATE TABLE IF NOT EXISTS alerts ("
                       " server TEXT NOT NULL, seq INTEGER NOT NULL, time INTEGER NOT NULL,"
                       " module TEXT NOT NULL, type TEXT NOT NULL, event INTEGER NOT NULL,"
                       " message TEXT NOT NULL, UNIQUE(server, seq))"),
        QStringLiteral("CREATE INDEX IF NOT EXISTS alerts_by_time ON alerts(time)"),
        // The highest number seen per server survives the rotation of its rows, so that a
        // rotated alert is never fetched again.
        QStringLiteral(
            "CREATE TABLE IF NOT EXISTS marks (server TEXT PRIMARY KEY, seq INTEGER NOT NULL)"),
        QStringLiteral("PRAGMA user_version=1"),
    };
    for (const auto& sql : setup)
        if (!q.exec(sql)) {
            *error = QStringLiteral("cannot set up the alert store %1: %2").arg(path_, sqlError(q));
            return false;
        }
    if (!q.exec(QStringLiteral("SELECT count(*) FROM alerts")) || !q.next()) {
        *error = QStringLiteral("cannot read the alert store %1: %2").arg(path_, sqlError(q));
        return false;
    }
    count_ = q.value(0).toInt();
    if (!q.exec(QStringLiteral("SELECT server, seq FROM marks"))) {
        *error = QStringLiteral("cannot read the alert store %1: %2").arg(path_, sqlError(q));
        return false;
    }
    marks_.clear();
    while (q.next())
        marks_.insert(q.value(0).toString(), q.value(1).toLongLong());
    open_ = true;
    return true;
}

bool AlertStore::insert(const Alert& a, bool* inserted, QString* error) {
    QSqlQuery q(db_);
    q.prepare(QStringLiteral("INSERT OR IGNORE INTO alerts (%1) VALUES (?, ?, ?, ?, ?, ?, ?)")
                  .arg(QLatin1String(kColumns)));
    q.addBindValue(a.server);
    q.addBindValue(a.seq);
    q.addBindValue(a.time.toMSecsSinceEpoch());
    q.addBindValue(a.module);
    q.addBindValue(a.typeName());
    q.addBindValue(a.id);
    q.addBindValue(a.message);
    if (!q.exec()) {
        *error = sqlError(q);
        return false;
    }
    *inserted = q.numRowsAffected() > 0;
    if (*inserted)
        ++count_;
    if (a.seq > marks_.value(a.server, 0)) {
        QSqlQuery m(db_);
        m.prepare(
            QStringLiteral("INSERT INTO marks (server, seq) VALUES (?, ?) ON CONFLICT(server) "
                           "DO UPDATE SET seq = max(seq, excluded.seq)"));
        m.addBindValue(a.server);
        m.addBindValue(a.seq);
        if (!m.exec()) {
            *error = sqlError(m);
            return false;
        }
        marks_.insert(a.server, a.seq);
    }
    return true;
}

// Deletes the oldest rows, a tenth of the bound at a time, so that a full store is not
// trimmed on every insert.
bool AlertStore::rotate(QString* error) {
    if (count_ <= maxRows_)
        return true;
    const int keep = maxRows_ - std::max(1, maxRows_ / 10) + 1;
    const int remove = count_ - keep;
    QSqlQuery q(db_);
    q.prepare(QStringLiteral("DELETE FROM alerts WHERE rowid IN "
                             "(SELECT rowid FROM alerts ORDER BY time, rowid LIMIT ?)"));
    q.addBindValue(remove);
    if (!q.exec()) {
        *error = sqlError(q);
        return false;
    }
    count_ -= q.numRowsAffected();
    return true;
}

bool AlertStore::commitOrRollback(bool ok, QString* error) {
    if (ok && db_.commit())
        return true;
    if (ok && error)
        *error = db_.lastError().text();
    db_.rollback();
    return false;
}

bool AlertStore::append(Alert& alert, QString* error) {
    QString why;
    if (!open_ || !db_.transaction()) {
        if (error)
            *error = open_ ? db_.lastError().text() : QStringLiteral("the alert store is not open");
        return false;
    }
    const int countBefore = count_;
    const auto marksBefore = marks_;
    const qint64 last = marks_.value(local_, 0);
    alert.server = local_;
    alert.seq = last > 0 ? last + 1 : std::max<qint64>(1, QDateTime::currentMSecsSinceEpoch());
    bool inserted = false;
    bool ok = insert(alert, &inserted, &why) && rotate(&why);
    if (ok && !inserted) {
        why = QStringLiteral("alert %1:%2 exists already").arg(local_).arg(alert.seq);
        ok = false;
    }
    if (!commitOrRollback(ok, &why)) {
        count_ = countBefore;
        marks_ = marksBefore;
        alert.seq = 0;
        if (error)
            *error = why;
        return false;
    }
    return true;
}

AlertStore::MergeResult AlertStore::merge(QList<Alert> alerts, bool contiguous) {
    MergeResult result;
    if (!open_ || !db_.transaction()) {
        result.ok = false;
        result.error =
            open_ ? db_.lastError().text() : QStringLiteral("the alert store is not open");
        return result;
    }
    std::stable_sort(alerts.begin(), alerts.end(), [](const Alert& a, const Alert& b) {
        return a.server != b.server ? a.server < b.server : a.seq < b.seq;
    });
    const int countBefore = count_;
    const auto marksBefore = marks_;
    bool ok = true;
    QString previous;
    bool skipping = false;
    for (const auto& a : alerts) {
        if (a.server != previous) {
            previous = a.server;
            // A server's alerts are stored without holes: a push that does not follow on
            // what is here waits for the missing ones to be fetched.
            skipping = contiguous && a.seq > marks_.value(a.server, 0) + 1;
            result.gap = result.gap || skipping;
        }
        if (skipping || a.server.isEmpty() || a.seq <= 0)
            continue;
        bool inserted = false;
        if (!insert(a, &inserted, &result.error)) {
            ok = false;
            break;
        }
        result.inserted += inserted ? 1 : 0;
    }
    ok = ok && rotate(&result.error);
    if (!commitOrRollback(ok, &result.error)) {
        count_ = countBefore;
        marks_ = marksBefore;
        result.ok = false;
        result.inserted = 0;
    }
    return result;
}

QHash<QString, qint64> AlertStore::marks() const {
    return marks_;
}

QList<Alert> AlertStore::since(const QHash<QString, qint64>& marks, int limit, bool* more) const {
    QList<Alert> out;
    *more = false;
    if (!open_)
        return out;
    auto servers = marks_.keys();
    std::sort(servers.begin(), servers.end());
    for (const auto& server : servers) {
        if (marks_.value(server) <= marks.value(server, 0))
            continue;
        const int room = limit - int(out.size());
        if (room <= 0) {
            *more = true;
            break;
        }
        QSqlQuery q(db_);
        q.prepare(QStringLiteral(
                      "SELECT %1 FROM alerts WHERE server = ? AND seq > ? ORDER BY seq LIMIT ?")
                      .arg(QLatin1String(kColumns)));
        q.addBindValue(server);
        q.addBindValue(marks.value(server, 0));
        q.addBindValue(room + 1); // one more tells whether there are more
        if (!q.exec())
            continue;
        int n = 0;
        while (q.next()) {
            if (++n > room) {
                *more = true;
                break;
            }
            out.append(fromRow(q));
        }
    }
    return out;
}

QList<Alert> AlertStore::query(const AlertFilter& filter) const {
    QList<Alert> out;
    if (!open_)
        return out;
    QStringList where;
    QVariantList values;
    auto condition = [&](const char* sql, const QVariant& value) {
        where << QLatin1String(sql);
        values << value;
    };
    if (!filter.server.isEmpty())
        condition("server = ?", filter.server);
    if (filter.type)
        condition("type = ?", Alert::typeName(*filter.type));
    if (!filter.module.isEmpty())
        condition("module = ?", filter.module);
    QString sql = QStringLiteral("SELECT %1 FROM alerts").arg(QLatin1String(kColumns));
    if (!where.isEmpty())
        sql += QStringLiteral(" WHERE ") + where.join(QStringLiteral(" AND "));
    sql += QStringLiteral(" ORDER BY time DESC, rowid DESC");
    if (filter.max > 0)
        sql += QStringLiteral(" LIMIT %1").arg(filter.max);
    QSqlQuery q(db_);
    q.setForwardOnly(true);
    q.prepare(sql);
    for (const auto& v : values)
        q.addBindValue(v);
    if (!q.exec())
        return out;
    while (q.next())
        out.prepend(fromRow(q));
    return out;
}

} // namespace lifeline::daemon
