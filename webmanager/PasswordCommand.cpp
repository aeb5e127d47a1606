#include "PasswordCommand.h"

#include "ConfigReader.h"
#include "ConfigWriter.h"
#include "PasswordHash.h"
#include "Role.h"

namespace lifeline::webmgr {

bool PasswordCommand::set(const config::Paths& paths, const QString& user, const QByteArray& password,
                          QString* message) {
    const Role role = roleFromName(user);
    if (role == Role::None) {
        *message = QStringLiteral("--set-password takes operator or reference, not \"%1\"").arg(user);
        return false;
    }
    const QString path = paths.configFile();
    config::Diagnostics diagnostics;
    auto document = config::ConfigDocument::load(path, diagnostics);
    if (!document) {
        *message = diagnostics.texts().join(QStringLiteral("; "));
        return false;
    }
    config::ClusterConfig cfg = config::readConfig(*document, diagnostics);
    const QString hash = password.isEmpty() ? QString() : PasswordHash::make(password);
    if (!password.isEmpty() && hash.isEmpty()) {
        *message = QStringLiteral("could not hash the password (OpenSSL failed)");
        return false;
    }
    (role == Role::Operator ? cfg.cluster.webmgrOperatorPassword
                            : cfg.cluster.webmgrReferencePassword) = hash;
    config::writeConfig(cfg, *document);
    QString error;
    if (!document->save(path, &error)) {
        *message = error;
        return false;
    }
    *message = password.isEmpty()
                   ? QStringLiteral("The %1 password was removed from %2.").arg(user, path)
                   : QStringLiteral("The %1 password is set in %2. Copy clp.conf to the other "
                                    "servers (clpcfctrl --push) and restart their WebManager.")
                         .arg(user, path);
    return true;
}

} // namespace lifeline::webmgr
