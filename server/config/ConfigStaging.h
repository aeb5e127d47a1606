#pragma once

#include "ConfigPackage.h"

#include <QString>

namespace lifeline::config {

// One server's part of a configuration push (clpcfctrl --push), on the files of its
// configuration directory (Paths::configDir()):
//
//   stage(token)    .staging/{token, clp.conf, scripts/} written and fsynced; nothing
//                   in use is touched
//   commit(token)   the previous clp.conf kept as clp.conf.bak and scripts/ as
//                   scripts.bak/, then the staged scripts/ and clp.conf renamed into
//                   place (a directory swap with RENAME_EXCHANGE, a file rename)
//   rollback(token) after commit(token): the previous clp.conf and scripts/ back
//   abort(token)    the staged files removed
//
// `.commit` records the last committed token and whether a clp.conf and a scripts/
// existed before it, so that rollback restores exactly what was there (also after a
// first push to a server that had none). Calls for another token than the staged
// one are refused; commit and rollback of an already committed / rolled back token
// are no-ops, so a coordinator may repeat them.
class ConfigStaging {
public:
    explicit ConfigStaging(QString configDir);

    QString configDir() const { return dir_; }
    QString stagingDir() const { return dir_ + QStringLiteral("/.staging"); }
    QString stagedConfigFile() const { return stagingDir() + QStringLiteral("/clp.conf"); }

    bool stage(const QString& token, const ConfigPackage& package, QString* error);
    bool commit(const QString& token, QString* error);
    bool rollback(const QString& token, QString* error);
    void abort(const QString& token);

    QString stagedToken() const;    // "" when nothing is staged
    QString committedToken() const; // the last commit not rolled back, or ""

private:
    QString path(const QString& name) const { return dir_ + QLatin1Char('/') + name; }

    QString dir_;
};

} // namespace lifeline::config
