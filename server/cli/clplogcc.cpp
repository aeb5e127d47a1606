// clplogcc — collect the logs, configuration, alert history and system information of every
// server, one archive per server.
//
//   clplogcc [-h HOST] [-o DIR] [-t TYPE] [--root DIR] [--json] [--timeout SECONDS]
//
// Each server builds its own archive (lifelined, server/daemon/LogCollector); this command
// fetches them in chunks through the local lifelined and writes DIR/<server>-<time>.tar.gz.
// A server that does not answer is reported and the others are still collected. Exit status:
// 0 every server collected, 1 some server not, 2 lifelined not reachable, 3 invalid arguments
// (README.md).

#include "CliContext.h"

#include <QCoreApplication>
#include <QDeadlineTimer>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QThread>

#include <optional>

using namespace lifeline::cli;

namespace {

const QStringList kTypes{QStringLiteral("type1"), QStringLiteral("type2"), QStringLiteral("type3")};
constexpr int kPollMs = 100; // while a server builds its archive

QString sizeText(qint64 bytes) {
    if (bytes < 1024)
        return QStringLiteral("%1 B").arg(bytes);
    if (bytes < 1024 * 1024)
        return QStringLiteral("%1 KiB").arg(double(bytes) / 1024, 0, 'f', 1);
    return QStringLiteral("%1 MiB").arg(double(bytes) / (1024 * 1024), 0, 'f', 1);
}

struct Outcome {
    QString server;
    bool ok = false;
    QString path;
    qint64 size = 0;
    QString error;
    bool noDaemon = false; // the local lifelined itself stopped answering
};

class Collector {
public:
    Collector(CliContext& context, QString dir, QString type)
        : context_(context), dir_(std::move(dir)), type_(std::move(type)) {}

    Outcome collect(const QString& server) {
        Outcome out;
        out.server = server;
        QDeadlineTimer deadline(context_.timeoutMs());
        progress(QStringLiteral("%1: preparing the archive (%2)").arg(server, type_));
        auto started =
            call(out, QStringLiteral("logs.collect"), {{"server", server}, {"type", type_}});
        if (!started)
            return out;
        const QString id = started->value("id").toString();
        // The name comes from the server: only its file name counts.
        QString name = QFileInfo(started->value("name").toString()).fileName();
        if (!name.endsWith(QLatin1String(".tar.gz")))
            name = server + QStringLiteral(".tar.gz");
        const QString path = QDir(dir_).absoluteFilePath(name);
        if (fetch(out, server, id, path, deadline)) {
            out.ok = true;
            out.path = path;
            out.size = QFileInfo(path).size();
        }
        if (!out.noDaemon)
            context_.call(QStringLiteral("logs.release"), {{"server", server}, {"id", id}});
        return out;
    }

private:
    std::optional<QJsonObject> call(Outcome& out, const QString& command, const QJsonObject& args) {
        const auto reply = context_.call(command, args);
        if (reply.ok())
            return reply.result;
        out.error = reply.message;
        out.noDaemon = reply.status == lifeline::control::ControlReply::Status::Transport;
        return std::nullopt;
    }

    // Reads the archive chunk by chunk into PATH.part, renamed to PATH when complete.
    bool fetch(Outcome& out, const QString& server, const QString& id, const QString& path,
               const QDeadlineTimer& deadline) {
        const QString part = path + QStringLiteral(".part");
        QFile file(part);
        // The archive holds scripts and logs: for its owner only.
        if (!file.open(QIODevice::WriteOnly | QIODevice::Truncate,
                       QFileDevice::ReadOwner | QFileDevice::WriteOwner)) {
            out.error = QStringLiteral("cannot write %1: %2").arg(part, file.errorString());
            return false;
        }
        qint64 offset = 0;
        int shown = -1;
        for (;;) {
            if (deadline.hasExpired()) {
                out.error = QStringLiteral("no complete archive within %1 s (--timeout)")
                                .arg(context_.timeoutMs() / 1000.0);
                break;
            }
            auto chunk = call(out, QStringLiteral("logs.read"),
                              {{"server", server}, {"id", id}, {"offset", double(offset)}});
            if (!chunk)
                break;
            if (!chunk->value("ready").toBool()) {
                QThread::msleep(kPollMs);
                continue;
            }
            const QByteArray data =
                QByteArray::fromBase64(chunk->value("data").toString().toLatin1());
            const qint64 size = qint64(chunk->value("size").toDouble());
            if (qint64(chunk->value("offset").toDouble()) != offset ||
                file.write(data) != data.size()) {
                out.error =
                    file.error() != QFileDevice::NoError
                        ? QStringLiteral("cannot write %1: %2").arg(part, file.errorString())
                        : QStringLiteral("the server answered the wrong part of the archive");
                break;
            }
            offset += data.size();
            const int percent = size > 0 ? int(offset * 100 / size) : 100;
            if (percent != shown)
                progress(
                    QStringLiteral("%1: %2 % (%3)").arg(server).arg(percent).arg(sizeText(offset)));
            shown = percent;
            if (chunk->value("eof").toBool()) {
                if (!file.flush() || offset != size) {
                    out.error = QStringLiteral("cannot write %1: %2").arg(part, file.errorString());
                    break;
                }
                file.close();
                QFile::remove(path);
                if (!QFile::rename(part, path)) {
                    out.error = QStringLiteral("cannot rename %1 to %2").arg(part, path);
                    QFile::remove(part);
                    return false;
                }
                return true;
            }
            if (data.isEmpty()) {
                out.error = QStringLiteral("the server sent an empty part before the end");
                break;
            }
        }
        file.close();
        QFile::remove(part);
        return false;
    }

    void progress(const QString& line) const {
        if (!context_.json())
            CliContext::printErr(line + QLatin1Char('\n'));
    }

    CliContext& context_;
    QString dir_;
    QString type_;
};

} // namespace

int main(int argc, char** argv) {
    QCoreApplication app(argc, argv);
    // The timeout is for each server: building and fetching its archive.
    CliContext context(QStringLiteral("clplogcc"),
                       QStringLiteral("Collect the logs, configuration, alert history and system "
                                      "information of every server, one archive per server."),
                       300);
    auto& p = context.parser();
    p.addOption({QStringLiteral("h"), QStringLiteral("Collect from this server only."),
                 QStringLiteral("HOST")});
    p.addOption({QStringLiteral("o"),
                 QStringLiteral("Where to write the archives (default: the current directory)."),
                 QStringLiteral("DIR")});
    p.addOption({QStringLiteral("t"),
                 QStringLiteral("What to collect: type1 (default: everything), type2 (no system "
                                "information), type3 (configuration, alerts and status only)."),
                 QStringLiteral("TYPE")});
    if (!context.parse(app.arguments()))
        return context.exitCode();
    if (!p.positionalArguments().isEmpty())
        return context.usageError(
            QStringLiteral("unexpected argument %1").arg(p.positionalArguments().first()));
    const QString type = p.isSet("t") ? p.value("t").toLower() : kTypes.first();
    if (!kTypes.contains(type))
        return context.usageError(
            QStringLiteral("-t must be type1, type2 or type3, not \"%1\"").arg(p.value("t")));
    const QString dir = QDir(p.isSet("o") ? p.value("o") : QStringLiteral(".")).absolutePath();
    if (!QDir().mkpath(dir)) {
        CliContext::printErr(
            QStringLiteral("clplogcc: cannot create the directory %1\nCommand failed.\n").arg(dir));
        return CliContext::kExitFailed;
    }

    // The servers, by priority, as this lifelined knows them (no other server asked).
    const auto status = context.call(QStringLiteral("status"), {{"local", true}});
    if (!status.ok()) {
        CliContext::printErr(QStringLiteral("clplogcc: %1\nCommand failed.\n").arg(status.message));
        return CliContext::failureCode(status);
    }
    QStringList servers;
    for (const auto& s : status.result.value("servers").toArray())
        servers << s.toObject().value("name").toString();
    if (p.isSet("h")) {
        if (!servers.contains(p.value("h"))) {
            CliContext::printErr(
                QStringLiteral("clplogcc: no server named \"%1\" in the cluster\nCommand failed.\n")
                    .arg(p.value("h")));
            return CliContext::kExitFailed;
        }
        servers = {p.value("h")};
    }

    Collector collector(context, dir, type);
    QList<Outcome> outcomes;
    for (const auto& server : servers) {
        outcomes << collector.collect(server);
        if (outcomes.last().noDaemon)
            break; // nothing more can be asked
    }

    bool allOk = outcomes.size() == servers.size();
    QJsonArray json;
    QString text;
    for (const auto& o : outcomes) {
        allOk = allOk && o.ok;
        json.append(QJsonObject{{"name", o.server},
                                {"ok", o.ok},
                                {"path", o.path},
                                {"size", double(o.size)},
                                {"error", o.error}});
        text +=
            o.ok ? QStringLiteral("%1: collected %2 (%3 bytes)\n").arg(o.server, o.path).arg(o.size)
                 : QStringLiteral("%1: not collected: %2\n").arg(o.server, o.error);
    }
    const bool noDaemon = !outcomes.isEmpty() && outcomes.last().noDaemon;
    if (context.json()) {
        CliContext::printOut(QString::fromUtf8(
            QJsonDocument(
                QJsonObject{{"ok", allOk}, {"directory", dir}, {"type", type}, {"servers", json}})
                .toJson()));
    } else {
        CliContext::printOut(text);
        if (allOk)
            CliContext::printOut(QStringLiteral("Command succeeded.(code:0)\n"));
        else
            CliContext::printErr(QStringLiteral("Command failed.\n"));
    }
    if (noDaemon)
        return CliContext::kExitNoDaemon;
    return allOk ? CliContext::kExitOk : CliContext::kExitFailed;
}
