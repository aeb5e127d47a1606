#include "AlertLog.h"

#include <QDir>

#include <cstdio>

namespace lifeline::daemon {

namespace {
constexpr int kRecent = 200;
}

QString Alert::typeName() const {
    switch (type) {
    case Type::Info: return QStringLiteral("info");
    case Type::Warning: return QStringLiteral("warning");
    case Type::Error: return QStringLiteral("error");
    }
    return {};
}

QString Alert::line() const {
    return QStringLiteral("%1 %2 %3 %4 %5 %6")
        .arg(time.toString(Qt::ISODateWithMs), server, module, typeName())
        .arg(id)
        .arg(message);
}

QJsonObject Alert::toJson() const {
    return {{"time", time.toString(Qt::ISODateWithMs)}, {"server", server}, {"module", module},
            {"type", typeName()}, {"id", id}, {"message", message}};
}

AlertLog::AlertLog(QString server, const QString& logDir)
    : server_(std::move(server)), file_(logDir + QStringLiteral("/alert.log")) {
    QDir().mkpath(logDir);
    if (!file_.open(QIODevice::Append | QIODevice::Text))
        std::fprintf(stderr, "lifelined: cannot open %s: %s\n", qPrintable(file_.fileName()),
                     qPrintable(file_.errorString()));
}

void AlertLog::raise(Alert::Type type, const QString& module, int id, const QString& message) {
    Alert a{QDateTime::currentDateTime(), server_, module, type, id, message};
    const QByteArray line = a.line().toUtf8() + '\n';
    if (file_.isOpen()) {
        file_.write(line);
        file_.flush(); // a test or an administrator reads it while we run
    }
    std::fputs(line.constData(), stderr);
    recent_.append(a);
    if (recent_.size() > kRecent)
        recent_.removeFirst();
}

} // namespace lifeline::daemon
