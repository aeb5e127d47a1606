#pragma once

#include "Paths.h"

#include <QByteArray>
#include <QString>

namespace lifeline::webmgr {

// `lifeline-webmgr --set-password operator|reference`: hashes the password (read from
// stdin by main) and stores it in clp.conf under webmgr/security/passwd/, written
// atomically with clp.conf.bak kept; every other element stays as it was. An empty
// password removes it (nobody logs in as that user).
class PasswordCommand {
public:
    // Answers the message to print; false (with the message saying why) on failure.
    static bool set(const config::Paths& paths, const QString& user, const QByteArray& password,
                    QString* message);
};

} // namespace lifeline::webmgr
