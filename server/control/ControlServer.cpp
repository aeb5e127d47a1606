#include "ControlServer.h"

#include "ControlConnection.h"

#include <QDir>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QLocalServer>
#include <QLocalSocket>

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <exception>

namespace lifeline::control {

namespace {
// Beyond this many clients at once new ones are turned away (file descriptors
// are a daemon's lifeline too).
constexpr int kMaxConnections = 256;

QString systemError() {
    return QString::fromLocal8Bit(std::strerror(errno));
}

// A JSON value as it would be written, for messages.
QString jsonText(const QJsonValue& value) {
    const QByteArray array = QJsonDocument(QJsonArray{value}).toJson(QJsonDocument::Compact);
    return QString::fromUtf8(array.mid(1, array.size() - 2));
}
} // namespace

ControlServer::ControlServer(QObject* parent) : QObject(parent), server_(new QLocalServer(this)) {
    connect(server_, &QLocalServer::newConnection, this, &ControlServer::acceptConnections);
}

ControlServer::~ControlServer() {
    close();
}

bool ControlServer::listen(const QString& root, QString* error) {
    auto fail = [error](const QString& why) {
        if (error)
            *error = why;
        return false;
    };
    close();
    const QString dir = runDirectory(root);
    const QString path = control::socketPath(root);
    if (!QFileInfo::exists(dir)) {
        if (!QDir().mkpath(dir))
            return fail(QStringLiteral("cannot create %1").arg(dir));
        if (::chmod(QFile::encodeName(dir).constData(), 0755) != 0)
            return fail(QStringLiteral("cannot set the mode of %1: %2").arg(dir, systemError()));
    }

    struct stat st {};
    if (::lstat(QFile::encodeName(path).constData(), &st) == 0) {
        if (!S_ISSOCK(st.st_mode))
            return fail(QStringLiteral("%1 exists and is not a socket; not removing it").arg(path));
        QLocalSocket probe;
        probe.connectToServer(path);
        if (probe.waitForConnected(500))
            return fail(QStringLiteral("another lifelined is already listening on %1").arg(path));
        // Left behind by a daemon that did not shut down cleanly.
        if (::unlink(QFile::encodeName(path).constData()) != 0)
            return fail(
                QStringLiteral("cannot remove the stale socket %1: %2").arg(path, systemError()));
    }

    // Qt creates the socket in a private directory, sets the mode and renames it
    // into place, so it is never reachable with wider permissions.
    server_->setSocketOptions(QLocalServer::UserAccessOption | QLocalServer::GroupAccessOption);
    if (!server_->listen(path))
        return fail(QStringLiteral("cannot listen on %1: %2").arg(path, server_->errorString()));
    const QByteArray encoded = QFile::encodeName(path);
    if (::chmod(encoded.constData(), 0660) != 0) {
        const QString why = systemError();
        server_->close();
        return fail(QStringLiteral("cannot set the mode of %1: %2").arg(path, why));
    }
    if (const auto gid = access_.groupId()) {
        if (::chown(encoded.constData(), uid_t(-1), *gid) != 0) {
            const QString why = systemError();
            server_->close();
            return fail(QStringLiteral("cannot give %1 to group %2: %3")
                            .arg(path, access_.groupName(), why));
        }
    }
    socketPath_ = path;
    return true;
}

void ControlServer::close() {
    for (auto* c : std::as_const(connections_)) {
        disconnect(c, nullptr, this, nullptr);
        c->abort(); // deleted later: close() may run inside one of its requests
    }
    const bool hadConnections = !connections_.isEmpty();
    connections_.clear();
    if (server_->isListening())
        server_->close(); // also removes the socket file
    socketPath_.clear();
    if (hadConnections)
        emit connectionCountChanged(0);
}

bool ControlServer::isListening() const {
    return server_->isListening();
}

void ControlServer::registerCommand(const QString& name, Access access, Handler handler) {
    commands_.insert(name, Command{access, std::move(handler)});
}

QStringList ControlServer::commands() const {
    QStringList names = commands_.keys();
    names.sort();
    return names;
}

void ControlServer::acceptConnections() {
    while (server_->hasPendingConnections()) {
        QLocalSocket* socket = server_->nextPendingConnection();
        QString why;
        const auto peer = AccessControl::peerOf(int(socket->socketDescriptor()), &why);
        if (!peer) {
            qWarning("control: cannot read the peer's credentials (%s); closing", qPrintable(why));
            socket->abort();
            socket->deleteLater();
            continue;
        }
        if (connections_.size() >= kMaxConnections) {
            socket->write(encodeError(QJsonValue(), QStringLiteral("busy"),
                                      QStringLiteral("too many clients; try again later")));
            socket->disconnectFromServer();
            connect(socket, &QLocalSocket::disconnected, socket, &QObject::deleteLater);
            continue;
        }
        auto* connection = new ControlConnection(
            socket, *peer, access_.levelFor(*peer),
            [this](ControlConnection* c, const QByteArray& line) { dispatch(c, line); }, this);
        connections_.insert(connection);
        connect(connection, &ControlConnection::closed, this, [this](ControlConnection* c) {
            if (connections_.remove(c))
                emit connectionCountChanged(int(connections_.size()));
        });
        emit connectionCountChanged(int(connections_.size()));
    }
}

void ControlServer::dispatch(ControlConnection* connection, const QByteArray& line) {
    QJsonParseError parseError{};
    const QJsonDocument doc = QJsonDocument::fromJson(line, &parseError);
    if (parseError.error != QJsonParseError::NoError || !doc.isObject()) {
        const QString why = parseError.error != QJsonParseError::NoError
                                ? parseError.errorString()
                                : QStringLiteral("not an object");
        connection->send(encodeError(QJsonValue(), errors::kBadRequest,
                                     QStringLiteral("the request is not a JSON object (%1 at "
                                                    "offset %2)")
                                         .arg(why)
                                         .arg(parseError.offset)));
        return;
    }
    const QJsonObject o = doc.object();

    // The id is echoed whenever it is usable, even in errors about the rest.
    const QJsonValue rawId = o.value(QLatin1String("id"));
    const bool idOk = rawId.isDouble() && rawId.toDouble() == double(qint64(rawId.toDouble()));
    const QJsonValue id = idOk ? QJsonValue(qint64(rawId.toDouble())) : QJsonValue();
    auto refuse = [&](const QString& code, const QString& message) {
        connection->send(encodeError(id, code, message));
    };

    const QJsonValue version = o.value(QLatin1String("version"));
    if (version.isUndefined())
        return refuse(errors::kBadRequest, QStringLiteral("the request has no \"version\""));
    if (!version.isDouble() || version.toDouble() != kProtocolVersion)
        return refuse(errors::kVersion,
                      QStringLiteral("unsupported protocol version %1; this lifelined speaks "
                                     "version %2")
                          .arg(jsonText(version))
                          .arg(kProtocolVersion));
    if (!idOk)
        return refuse(errors::kBadRequest, QStringLiteral("\"id\" must be an integer"));
    const QJsonValue command = o.value(QLatin1String("command"));
    if (!command.isString() || command.toString().isEmpty())
        return refuse(errors::kBadRequest,
                      QStringLiteral("\"command\" must be a non-empty string"));
    const QJsonValue args = o.value(QLatin1String("args"));
    if (!args.isUndefined() && !args.isNull() && !args.isObject())
        return refuse(errors::kBadRequest, QStringLiteral("\"args\" must be an object"));

    const auto level = connection->level();
    if (level == AccessControl::Level::None)
        return refuse(errors::kPermission, access_.refusal(level));
    const auto found = commands_.constFind(command.toString());
    if (found == commands_.constEnd())
        return refuse(errors::kUnknownCommand,
                      QStringLiteral("unknown command \"%1\"").arg(command.toString()));
    if (found->access == Access::Write && level != AccessControl::Level::Write)
        return refuse(errors::kPermission, access_.refusal(level));

    Request request;
    request.id = id;
    request.command = command.toString();
    request.args = args.toObject();
    request.peer = connection->peer();
    const Handler handler = found->handler; // the handler may re-register commands
    const Responder responder = Responder::create(connection, id);
    try {
        handler(request, responder);
    } catch (const std::exception& e) {
        responder.fail(
            errors::kInternal,
            QStringLiteral("the command failed: %1").arg(QString::fromLocal8Bit(e.what())));
    } catch (...) {
        responder.fail(errors::kInternal, QStringLiteral("the command failed"));
    }
}

} // namespace lifeline::control
