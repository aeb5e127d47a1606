#pragma once

#include "Alert.h"
#include "LogArchive.h"

#include "Paths.h"

#include <QByteArray>
#include <QDateTime>
#include <QList>
#include <QString>

#include <atomic>
#include <optional>

namespace lifeline::daemon {

// What clplogcc collects on one server, by collection type (README "Log collection"), and
// the archive made of it. Reads files only; lifelined hands in what it knows itself (its
// status and the alert store's contents), so build() may run on any thread.
class LogCollection {
public:
    enum class Type {
        Type1, // everything: configuration, alert history, status, logs, system information
        Type2, // as type1 without the system information
        Type3, // configuration, alert history and status only (small)
    };
    static std::optional<Type> typeFromName(const QString& name);
    static QString typeName(Type type);
    static QString typeDescription(Type type);

    struct Input {
        config::Paths paths;
        QString server;
        Type type = Type::Type1;
        QDateTime time;      // when it was asked for: names the archive
        QByteArray status;   // lifelined's `status` JSON
        QList<Alert> alerts; // the alert store (every server's alerts), oldest first
    };

    // "<server>-<yyyyMMdd-HHmmss>" in local time: the file name without ".tar.gz" and the
    // archive's top directory. Characters other than letters, digits, '-', '_' and '.' become '_'.
    static QString baseName(const QString& server, const QDateTime& time);

    // Writes the archive to `path`; `cancelled` (may be null) is looked at between the parts.
    static bool build(const Input& input, const QString& path, LogArchive::Limits limits,
                      const std::atomic_bool* cancelled, QString* error);
};

} // namespace lifeline::daemon
