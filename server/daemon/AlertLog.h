#pragma once

#include "Alert.h"
#include "AlertStore.h"

#include <QFile>
#include <QHash>
#include <QList>
#include <QObject>
#include <QString>
#include <QThread>

#include <functional>

namespace lifeline::daemon {

// Event ids by module (documented in the README's alert table).
namespace alert {
enum Id {
    ClusterStarted = 1,
    ClusterStopped = 2,
    ClusterSuspended = 3,
    ClusterResumed = 4,
    ServerSyncTimeout = 5,
    TimeoutRatioSet = 6,      // clptoratio (TimeoutRatio)
    TimeoutRatioReset = 7,
    TimeoutRatioExpired = 8,
    ClusterStartFailed = 9,   // a start held back for a license failed when the license came
    PathOffline = 101,
    PathNormal = 102,
    ForgedHeartbeats = 103,
    NonNetworkPathsOnly = 104,
    NetworkPathBack = 105,
    ServerUp = 201,
    ServerDown = 202,
    ServerLeft = 203,
    ConfigMismatch = 204,
    ConfigMatch = 205,
    NpSurvive = 301,
    NpIsolated = 302,
    NpNoResolution = 303,
    PingTargetLost = 304,
    PingTargetBack = 305,
    NpPingLostBefore = 306,
    NpTakeover = 307,
    DiskLockPathLost = 308,
    DiskLockPathBack = 309,
    DiskLockLost = 310,
    NpFence = 311,
    FinalAction = 401,
    FinalActionFailed = 402,
    OperatorShutdown = 403,       // clpstdn, clpdown (ShutdownCoordinator)
    OperatorShutdownFailed = 404,
    LicenseNotRegistered = 901,   // module lcns (LicenseGate)
    LicenseInsufficient = 902,
    LicenseTrialExpired = 903,
    LicenseSufficient = 904,
};
}

// Every state change becomes an alert: appended to <log dir>/alert.log, written to stderr
// (journald), sent to syslog (LOG_DAEMON), and stored in the SQLite alert store (AlertStore),
// which AlertSync shares with the other servers. The store and syslog are written on a thread
// of their own, in the order the alerts were raised; nothing here waits for a disk.
class AlertLog : public QObject {
    Q_OBJECT
public:
    AlertLog(QString server, const QString& logDir);
    ~AlertLog() override; // stores what is still queued first

    // Opens <path> (e.g. <state dir>/alerts.db) on the store's thread. Until it is open (or
    // when it cannot be), alerts go to the log, stderr and syslog only.
    bool openStore(const QString& path, int maxRows, QString* error);
    bool hasStore() const { return store_ != nullptr; }
    QString server() const { return server_; }

    void raise(Alert::Type type, const QString& module, int id, const QString& message);
    void info(const QString& module, int id, const QString& m) { raise(Alert::Type::Info, module, id, m); }
    void warning(const QString& module, int id, const QString& m) { raise(Alert::Type::Warning, module, id, m); }
    void error(const QString& module, int id, const QString& m) { raise(Alert::Type::Error, module, id, m); }
    // As raise(); `stored` gets the alert once it is in the store (seq 0: it could not be).
    void raise(Alert::Type type, const QString& module, int id, const QString& message,
               std::function<void(const Alert&)> stored);

    QList<Alert> recent() const { return recent_; } // the last ones raised here, in memory

    // The store, asynchronously: each callback runs later on this object's thread. Without
    // a store `query` answers from recent() and the others find nothing.
    void query(const AlertFilter& filter, std::function<void(const QList<Alert>&)> done);
    void marks(std::function<void(const QHash<QString, qint64>&)> done);
    void since(const QHash<QString, qint64>& marks, int limit,
               std::function<void(const QList<Alert>&, bool more)> done);
    void merge(const QList<Alert>& alerts, bool contiguous,
               std::function<void(const AlertStore::MergeResult&)> done);

signals:
    // An alert raised here is stored and numbered (AlertSync sends it to the other servers).
    void stored(const lifeline::daemon::Alert& alert);

private:
    // Runs `job` on the store's thread (in order), then `reply` with its result here.
    template <typename Result>
    void onStore(std::function<Result(AlertStore*)> job, std::function<void(const Result&)> reply);

    QString server_;
    QFile file_;
    QList<Alert> recent_;
    QThread thread_;
    QObject* worker_ = nullptr; // lives on thread_: the context of the store's jobs
    AlertStore* store_ = nullptr; // used on thread_ only (null: no store)
};

} // namespace lifeline::daemon
