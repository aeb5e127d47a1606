#pragma once

#include <QDateTime>
#include <QFile>
#include <QJsonObject>
#include <QList>
#include <QString>

namespace lifeline::daemon {

// Event ids by module (documented in the README's alert table).
namespace alert {
enum Id {
    ClusterStarted = 1,
    ClusterStopped = 2,
    ClusterSuspended = 3,
    ClusterResumed = 4,
    ServerSyncTimeout = 5,
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
    FinalAction = 401,
    FinalActionFailed = 402,
};
}

struct Alert {
    enum class Type { Info, Warning, Error };
    QDateTime time; // wall clock, for display only
    QString server;
    QString module;
    Type type = Type::Info;
    int id = 0;
    QString message;

    QString typeName() const;
    QString line() const; // as written to alert.log
    QJsonObject toJson() const;
};

// Every state change becomes an alert: appended to <log dir>/alert.log, written
// to stderr (journald), and kept in memory for the status view. (A SQLite store
// synchronised between servers replaces the file in the operations issue.)
class AlertLog {
public:
    AlertLog(QString server, const QString& logDir);

    void raise(Alert::Type type, const QString& module, int id, const QString& message);
    void info(const QString& module, int id, const QString& m) { raise(Alert::Type::Info, module, id, m); }
    void warning(const QString& module, int id, const QString& m) { raise(Alert::Type::Warning, module, id, m); }
    void error(const QString& module, int id, const QString& m) { raise(Alert::Type::Error, module, id, m); }

    QList<Alert> recent() const { return recent_; }

private:
    QString server_;
    QFile file_;
    QList<Alert> recent_;
};

} // namespace lifeline::daemon
