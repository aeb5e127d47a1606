#pragma once

#include "License.h"

#include <QDateTime>
#include <QList>
#include <QSqlDatabase>
#include <QString>

#include <functional>

namespace lifeline::licensing {

// The licenses registered on this server, in SQLite (<state dir>/licenses.db; README.md
// "Store"). WAL journal with synchronous=FULL: a registration that `clplcnsc` reported is on
// disk, and one that a crash or a power loss interrupted left nothing of itself — every
// change is one transaction (BEGIN IMMEDIATE, so two writers queue instead of failing).
//
// Written by `clplcnsc` (root, also while lifelined is stopped) and by lifelined when another
// server distributes its CPU licenses; read by both. The store keeps what it is given: the
// callers check licenses (LicenseVerifier) before they add them.
class LicenseStore {
public:
    struct Entry {
        License license;
        QDateTime registered; // UTC
        QString source;       // "file", "interactive", or the server it was distributed from
        QString error;        // a row this build cannot read (edited by hand)
    };
    struct AddResult {
        bool ok = false;
        int added = 0; // licenses that were not there already (an identical one is no error)
        QString error;
    };

    static QString pathIn(const QString& stateDir); // <state dir>/licenses.db

    explicit LicenseStore(QString path);
    ~LicenseStore();
    LicenseStore(const LicenseStore&) = delete;
    LicenseStore& operator=(const LicenseStore&) = delete;

    // Creates the file (and its directory) and the table when missing.
    bool open(QString* error);
    QString path() const { return path_; }

    // The licenses of `product` (empty: all), in Product::all() order, then as registered.
    QList<Entry> list(const QString& product = {}, QString* error = nullptr) const;
    // Registers every license or none. Refused: a different license under a serial number that
    // is registered (delete it first), a CPU license beside a VM node license of the same
    // product or the reverse (the manual: they "cannot be mixed").
    AddResult add(const QList<License>& licenses, const QString& source);
    // Deletes every license of `product`; how many, or -1 (and *error).
    int remove(const QString& product, QString* error);

    // Tests only: runs inside add()'s transaction after its rows are written, before COMMIT
    // (a test kills the process there).
    void setBeforeCommit(std::function<void()> hook) { beforeCommit_ = std::move(hook); }

private:
    bool exec(const QString& sql, QString* error);
    QString conflict(const License& license, bool* present) const;
    bool insert(const License& license, const QString& source, QString* error);

    QString path_;
    QString connection_;
    QSqlDatabase db_;
    bool open_ = false;
    std::function<void()> beforeCommit_;
};

} // namespace lifeline::licensing
