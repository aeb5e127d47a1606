#include "PushReport.h"

#include <QJsonArray>
#include <QStringList>

namespace lifeline::control {

namespace {

QString serverLine(const QJsonObject& s, bool uploaded) {
    const QString name = s.value("name").toString();
    const QString error = s.value("error").toString();
    if (!s.value("staged").toBool())
        return QStringLiteral("%1: not staged: %2\n").arg(name, error);
    QStringList steps{QStringLiteral("staged")};
    if (s.value("committed").toBool())
        steps << QStringLiteral("committed");
    else if (!error.isEmpty())
        steps << QStringLiteral("commit failed: %1").arg(error);
    else if (!uploaded)
        steps << QStringLiteral("cancelled");
    if (s.value("rolledBack").toBool() && s.value("committed").toBool())
        steps << QStringLiteral("rolled back");
    return QStringLiteral("%1: %2\n").arg(name, steps.join(QStringLiteral(", ")));
}

} // namespace

PushReport PushReport::of(const QJsonObject& result, bool oneServer) {
    PushReport r;
    r.uploaded = result.value("uploaded").toBool();
    for (const auto& s : result.value("servers").toArray())
        r.progress += serverLine(s.toObject(), r.uploaded);
    if (!r.uploaded) {
        for (const auto& d : result.value("diagnostics").toArray())
            r.text += d.toString() + QLatin1Char('\n');
        r.text += result.value("message").toString() + QStringLiteral("\nCommand failed.\n");
        return r;
    }
    if (!oneServer)
        r.text += QStringLiteral("The upload is completed successfully.(cfmgr:0)\n");
    if (const auto after = result.value("afterUpload").toString(); !after.isEmpty())
        r.text += after + QLatin1Char('\n');
    r.text += QStringLiteral("Command succeeded.(code:0)\n");
    return r;
}

} // namespace lifeline::control
