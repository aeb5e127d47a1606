// lifeline-webmgr — the WebManager service of one server (REST API /api/v1, live updates,
// /metrics and the console).
//
//   lifeline-webmgr [--root DIR] [--node NAME] [--listen ADDR] [--port N] [--http]
//   lifeline-webmgr --set-password operator|reference [--root DIR] [--json]   (password on stdin)
//
// Reads <root>/etc/lifeline/clp.conf (passwords, client list, port, protocol), serves HTTPS
// with <root>/etc/lifeline/webmgr/server.crt|key (made self-signed when missing) and talks
// to the local lifelined only through the control socket.

#include "ApiRouter.h"
#include "Authenticator.h"
#include "CertificateStore.h"
#include "ControlBridge.h"
#include "EventFeed.h"
#include "PasswordCommand.h"
#include "PasswordHash.h"
#include "WebServer.h"

#include "ConfigReader.h"
#include "Paths.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSslConfiguration>
#include <QSysInfo>

#include <cstdio>
#include <iostream>
#include <string>

using namespace lifeline;

namespace {

int fail(const QString& message) {
    std::fprintf(stderr, "lifeline-webmgr: %s\n", qPrintable(message));
    return 1;
}

int setPassword(const config::Paths& paths, const QString& user, bool json) {
    std::string line;
    std::getline(std::cin, line); // one line; the newline is not part of the password
    if (!line.empty() && line.back() == '\r')
        line.pop_back();
    QString message;
    const bool ok = webmgr::PasswordCommand::set(paths, user, QByteArray::fromStdString(line), &message);
    if (json) {
        std::printf("%s\n", QJsonDocument(QJsonObject{{"ok", ok}, {"message", message}})
                                .toJson(QJsonDocument::Compact)
                                .constData());
        return ok ? 0 : 1;
    }
    if (!ok)
        return fail(message);
    std::printf("%s\n", qPrintable(message));
    return 0;
}

} // namespace

int main(int argc, char** argv) {
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("lifeline-webmgr"));
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("Lifeline WebManager (REST API)"));
    parser.addHelpOption();
    parser.addOption({QStringLiteral("root"), QStringLiteral("Prefix of every path (default /, or LIFELINE_ROOT)."), QStringLiteral("DIR")});
    parser.addOption({QStringLiteral("node"), QStringLiteral("This server's name: the certificate's CN (default: the host name)."), QStringLiteral("NAME")});
    parser.addOption({QStringLiteral("listen"), QStringLiteral("Address to listen on (default: all)."), QStringLiteral("ADDR")});
    parser.addOption({QStringLiteral("port"), QStringLiteral("TCP port (default: cluster/port/webmgr of clp.conf, 29003)."), QStringLiteral("N")});
    parser.addOption({QStringLiteral("http"), QStringLiteral("Serve plain HTTP (also webmgr/protocol http in clp.conf).")});
    parser.addOption({QStringLiteral("set-password"), QStringLiteral("Store the password read from stdin for operator or reference in clp.conf and exit."), QStringLiteral("USER")});
    parser.addOption({QStringLiteral("json"), QStringLiteral("With --set-password: answer as JSON.")});
    parser.process(app);

    const auto paths = config::Paths::resolve(parser.value(QStringLiteral("root")));
    if (parser.isSet(QStringLiteral("set-password")))
        return setPassword(paths, parser.value(QStringLiteral("set-password")), parser.isSet(QStringLiteral("json")));

    const auto loaded = config::loadConfig(paths.configFile());
    if (!loaded.document)
        return fail(loaded.diagnostics.texts().join(QStringLiteral("; ")));
    const auto& cluster = loaded.config.cluster;

    webmgr::Authenticator::Settings settings;
    settings.operatorHash = cluster.webmgrOperatorPassword;
    settings.referenceHash = cluster.webmgrReferencePassword;
    settings.sessionIdleMs = cluster.webmgrSessionTimeoutMs;
    for (const auto& [which, hash] : {std::pair{"operation", settings.operatorHash},
                                      std::pair{"reference", settings.referenceHash}}) {
        if (!hash.isEmpty() && !webmgr::PasswordHash::checkFormat(hash).isEmpty())
            return fail(QStringLiteral("%1: webmgr/security/passwd/%2: %3; set it again with "
                                       "--set-password")
                            .arg(paths.configFile(), QLatin1String(which),
                                 webmgr::PasswordHash::checkFormat(hash)));
    }
    if (settings.operatorHash.isEmpty() && settings.referenceHash.isEmpty())
        std::fprintf(stderr, "lifeline-webmgr: no WebManager password is set in %s: nobody can "
                             "log in (lifeline-webmgr --set-password operator)\n",
                     qPrintable(paths.configFile()));
    for (const auto& client : cluster.webmgrClients) {
        const QHostAddress address(client);
        const auto subnet = address.isNull() ? QHostAddress::parseSubnet(client)
                                             : qMakePair(address, address.protocol() == QAbstractSocket::IPv6Protocol ? 128 : 32);
        if (subnet.first.isNull())
            return fail(QStringLiteral("%1: webmgr/security/clientlist: \"%2\" is not an address "
                                       "or a subnet")
                            .arg(paths.configFile(), client));
        settings.clients << subnet;
    }
    const bool http = parser.isSet(QStringLiteral("http")) || cluster.webmgrProtocol == QLatin1String("http");
    settings.secure = !http;

    int port = cluster.webmgrPort;
    if (parser.isSet(QStringLiteral("port"))) {
        bool ok = false;
        port = parser.value(QStringLiteral("port")).toInt(&ok);
        if (!ok || port < 1 || port > 65535)
            return fail(QStringLiteral("--port %1: not a port (1 to 65535)").arg(parser.value(QStringLiteral("port"))));
    }
    QHostAddress address = QHostAddress::Any;
    if (parser.isSet(QStringLiteral("listen")) && parser.value(QStringLiteral("listen")) != QLatin1String("all")) {
        address = QHostAddress(parser.value(QStringLiteral("listen")));
        if (address.isNull())
            return fail(QStringLiteral("--listen %1: not an IP address").arg(parser.value(QStringLiteral("listen"))));
    }

    QSslConfiguration ssl = QSslConfiguration::defaultConfiguration();
    if (!http) {
        const QString node = parser.isSet(QStringLiteral("node")) ? parser.value(QStringLiteral("node"))
                                                                  : QSysInfo::machineHostName();
        webmgr::CertificateStore store(paths.configDir() + QStringLiteral("/webmgr"));
        QString error;
        bool created = false;
        if (!store.ensure(node, &created, &error))
            return fail(error);
        if (created)
            std::fprintf(stderr, "lifeline-webmgr: made a self-signed certificate for %s in %s\n",
                         qPrintable(node), qPrintable(store.certificatePath()));
        QSslCertificate certificate;
        QSslKey key;
        if (!store.load(&certificate, &key, &error))
            return fail(error);
        ssl.setLocalCertificate(certificate);
        ssl.setPrivateKey(key);
        ssl.setProtocol(QSsl::TlsV1_2OrLater);
        ssl.setPeerVerifyMode(QSslSocket::VerifyNone);
    }

    webmgr::ControlBridge bridge(paths.controlSocket());
    webmgr::Authenticator auth(settings);
    webmgr::ApiRouter router(auth, bridge);
    webmgr::EventFeed feed(bridge);
    webmgr::WebServer server(router, !http);
    server.setFeed(&feed);
    QString error;
    if (!server.start(address, quint16(port), http ? nullptr : &ssl, &error))
        return fail(error);
    std::fprintf(stderr, "lifeline-webmgr: listening on %s://%s:%d/\n", http ? "http" : "https",
                 qPrintable(address == QHostAddress::Any ? QStringLiteral("*") : address.toString()),
                 int(server.port()));
    return app.exec(); // no state to save: SIGTERM simply ends the process
}
