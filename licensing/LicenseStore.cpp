#include "LicenseStore.h"

#include "Product.h"

#include <QDir>
#include <QFileInfo>
#include <QSqlError>
#include <QSqlQuery>
#include <QTimeZone>
#include <QVariant>

#include <algorithm>
#include <atomic>

namespace lifeline::licensing {

namespace {

std::atomic<int> connections{0};

constexpr const char* kColumns =
    "product, serial, kind, version, count, expiry, key, registered, source";

int productOrder(const QString& id) {
    const auto& all = Product::all();
    for (int i = 0; i < all.size(); ++i)
        if (all[i].id == id)
            return i;
    return int(all.size());
}

LicenseStore::Entry fromRow(const QSqlQuery& q) {
    LicenseStore::Entry e;
    License& l = e.license;
    l.product = q.value(0).toString();
    l.serial = q.value(1).toString();
    const auto kind = License::kindFromName(q.value(2).toString());
    const auto version = License::versionFromName(q.value(3).toString());
    l.count = q.value(4).toInt();
    const QString expiry = q.value(5).toString();
    const auto time = License::parseExpiry(expiry);
    l.key = q.value(6).toString();
    e.registered = QDateTime::fromMSecsSinceEpoch(q.value(7).toLongLong(), QTimeZone::utc());
    e.source = q.value(8).toString();
    if (!kind || !version || (!expiry.isEmpty() && !time))
        e.error =
            QStringLiteral("the stored row of %1 %2 cannot be read (kind \"%3\", version "
                           "\"%4\", expiry \"%5\")")
                .arg(l.product, l.serial, q.value(2).toString(), q.value(3).toString(), expiry);
    l.kind = kind.value_or(License::Kind::Cpu);
    l.version = version.value_or(License::Version::Product);
    if (time)
        l.expiry = *time;
    return e;
}

} // namespace

QString LicenseStore::pathIn(const QString& stateDir) {
    return stateDir + QStringLiteral("/licenses.db");
}

LicenseStore::LicenseStore(QString path)
    : path_(std::move(path)),
      connection_(QStringLiteral("lifeline-licenses-%1").arg(++connections)) {}

LicenseStore::~LicenseStore() {
    if (db_.isValid()) {
        db_.close();
        db_ = QSqlDatabase();
        QSqlDatabase::removeDatabase(connection_);
    }
}

bool LicenseStore::exec(const QString& sql, QString* error) {
    QSqlQuery q(db_);
    if (q.exec(sql))
        return true;
    *error = q.lastError().text();
    return false;
}

bool LicenseStore::open(QString* error) {
    QDir().mkpath(QFileInfo(path_).absolutePath());
    db_ = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), connection_);
    db_.setDatabaseName(path_);
    // clplcnsc and lifelined may write at the same moment: the second waits.
    db_.setConnectOptions(QStringLiteral("QSQLITE_BUSY_TIMEOUT=5000"));
    if (!db_.open()) {
        *error = QStringLiteral("cannot open the license store %1: %2")
                     .arg(path_, db_.lastError().text());
        return false;
    }
    QSqlQuery q(db_);
    // journal_mode answers with the mode it got: "wal" unless the file system cannot do it.
    if (!q.exec(QStringLiteral("PRAGMA journal_mode=WAL")) || !q.next() ||
        q.value(0).toString().toLower() != QLatin1String("wal")) {
        *error =
            QStringLiteral("the license store %1 cannot use a write-ahead log: %2")
                .arg(path_, q.lastError().isValid() ? q.lastError().text() : q.value(0).toString());
        return false;
    }
    QString why;
    if (!exec(QStringLiteral("PRAGMA synchronous=FULL"), &why) ||
        !exec(
            QStringLiteral("CREATE TABLE IF NOT EXISTS licenses ("
                           " product TEXT NOT NULL, serial TEXT NOT NULL, kind TEXT NOT NULL,"
                           " version TEXT NOT NULL, count INTEGER NOT NULL, expiry TEXT NOT NULL,"
                           " key TEXT NOT NULL, registered INTEGER NOT NULL, source TEXT NOT NULL,"
                           " PRIMARY KEY (product, serial))"),
            &why) ||
        !exec(QStringLiteral("PRAGMA user_version=1"), &why)) {
        *error = QStringLiteral("cannot set up the license store %1: %2").arg(path_, why);
        return false;
    }
    open_ = true;
    return true;
}

QList<LicenseStore::Entry> LicenseStore::list(const QString& product, QString* error) const {
    QList<Entry> out;
    QSqlQuery q(db_);
    q.setForwardOnly(true);
    q.prepare(QStringLiteral("SELECT %1 FROM licenses%2 ORDER BY registered, serial")
                  .arg(QLatin1String(kColumns),
                       product.isEmpty() ? QString() : QStringLiteral(" WHERE product = ?")));
    if (!product.isEmpty())
        q.addBindValue(product);
    if (!open_ || !q.exec()) {
        if (error)
            *error = open_ ? q.lastError().text() : QStringLiteral("the license store is not open");
        return out;
    }
    while (q.next())
        out.append(fromRow(q));
    std::stable_sort(out.begin(), out.end(), [](const Entry& a, const Entry& b) {
        return productOrder(a.license.product) < productOrder(b.license.product);
    });
    return out;
}

// Why `license` cannot join what is stored (including this transaction's rows), or "";
// *present when the same license is stored.
QString LicenseStore::conflict(const License& license, bool* present) const {
    QSqlQuery q(db_);
    q.prepare(QStringLiteral("SELECT %1 FROM licenses WHERE product = ? AND serial = ?")
                  .arg(QLatin1String(kColumns)));
    q.addBindValue(license.product);
    q.addBindValue(license.serial);
    *present = q.exec() && q.next();
    if (*present && !(fromRow(q).license == license))
        return QStringLiteral("A different license with serial number %1 of %2 is registered "
                              "already; delete it first (clplcnsc -d -p %2).")
            .arg(license.serial, license.product);
    if (license.kind == License::Kind::Node)
        return {};
    const auto other = license.kind == License::Kind::Cpu ? License::Kind::Vm : License::Kind::Cpu;
    q.prepare(QStringLiteral("SELECT serial FROM licenses WHERE product = ? AND kind = ? LIMIT 1"));
    q.addBindValue(license.product);
    q.addBindValue(License::kindName(other));
    if (q.exec() && q.next())
        return QStringLiteral("CPU license and VM node license cannot be mixed: %1 has a %2 "
                              "license registered (serial number %3).")
            .arg(license.product, License::kindLabel(other), q.value(0).toString());
    return {};
}

bool LicenseStore::insert(const License& l, const QString& source, QString* error) {
    QSqlQuery q(db_);
    // (A null QString would bind as NULL: the text of an empty expiry is "".)
    q.prepare(QStringLiteral("INSERT INTO licenses (%1) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")
                  .arg(QLatin1String(kColumns)));
    for (const QVariant& v :
         {QVariant(l.product), QVariant(l.serial), QVariant(License::kindName(l.kind)),
          QVariant(License::versionName(l.version)), QVariant(l.count),
          QVariant(License::expiryText(l.expiry)), QVariant(l.key),
          QVariant(QDateTime::currentMSecsSinceEpoch()), QVariant(source)})
        q.addBindValue(v);
    if (!q.exec()) {
        *error = q.lastError().text();
        return false;
    }
    return true;
}

LicenseStore::AddResult LicenseStore::add(const QList<License>& licenses, const QString& source) {
    AddResult r;
    if (!open_) {
        r.error = QStringLiteral("the license store is not open");
        return r;
    }
    if (!exec(QStringLiteral("BEGIN IMMEDIATE"), &r.error)) {
        r.error = QStringLiteral("cannot write the license store %1: %2").arg(path_, r.error);
        return r;
    }
    bool ok = true;
    for (const License& l : licenses) {
        bool present = false;
        const QString why = conflict(l, &present);
        if (!why.isEmpty()) {
            r.error = why;
            ok = false;
            break;
        }
        if (present)
            continue;
        if (!insert(l, source, &r.error)) {
            r.error = QStringLiteral("cannot write the license store %1: %2").arg(path_, r.error);
            ok = false;
            break;
        }
        ++r.added;
    }
    if (ok && beforeCommit_)
        beforeCommit_();
    QString why;
    if (ok && !exec(QStringLiteral("COMMIT"), &why)) {
        r.error = QStringLiteral("cannot write the license store %1: %2").arg(path_, why);
        ok = false;
    }
    if (!ok) {
        exec(QStringLiteral("ROLLBACK"), &why);
        r.added = 0;
    }
    r.ok = ok;
    return r;
}

int LicenseStore::remove(const QString& product, QString* error) {
    QSqlQuery q(db_);
    q.prepare(QStringLiteral("DELETE FROM licenses WHERE product = ?"));
    q.addBindValue(product);
    if (!open_ || !q.exec()) {
        *error = open_ ? QStringLiteral("cannot write the license store %1: %2")
                             .arg(path_, q.lastError().text())
                       : QStringLiteral("the license store is not open");
        return -1;
    }
    return q.numRowsAffected();
}

} // namespace lifeline::licensing
