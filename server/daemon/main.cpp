// lifelined — the Lifeline cluster service of one server.
//
//   lifelined [--root DIR] [--node NAME] [--power real|sandbox:CMD] [--stopped] [--alert-rows N]
//   lifelined --create-key [--root DIR] [--force]
//
// It loads <root>/etc/lifeline/clp.conf (and refuses to start when it has errors),
// the cluster key clp.key beside it, listens on the control socket and the RPC
// port, and starts the cluster service (unless --stopped: then `clpcl -s` does).

#include "ClusterService.h"
#include "CommandRouter.h"
#include "LicenseGate.h"

#include "ClusterKey.h"
#include "ConfigReader.h"
#include "ControlServer.h"
#include "NodeCredentials.h"
#include "RpcClient.h"
#include "RpcServer.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QDir>
#include <QFileInfo>
#include <QSocketNotifier>
#include <QSysInfo>
#include <QTimer>

#include <csignal>
#include <cstdio>
#include <sys/signalfd.h>
#include <unistd.h>

using namespace lifeline;

namespace {

int fail(const QString& message) {
    std::fprintf(stderr, "lifelined: %s\n", qPrintable(message));
    return 1;
}

int createKey(const config::Paths& paths, bool force) {
    const QString path = paths.keyFile();
    if (QFileInfo::exists(path) && !force)
        return fail(QStringLiteral("%1 exists; use --force to replace the cluster key (every "
                                   "server must then get the new one)")
                        .arg(path));
    QString name = QStringLiteral("cluster");
    const auto loaded = config::loadConfig(paths.configFile());
    if (loaded.document && !loaded.config.cluster.name.isEmpty())
        name = loaded.config.cluster.name;
    QDir().mkpath(paths.configDir());
    QString error;
    const auto key = rpc::ClusterKey::generate(name);
    if (key.isNull() || !key.save(path, &error))
        return fail(error.isEmpty() ? QStringLiteral("cannot generate the cluster key") : error);
    std::printf("Cluster key for \"%s\" written to %s (mode 0600). Copy it with clp.conf to "
                "every server.\n",
                qPrintable(name), qPrintable(path));
    return 0;
}

// SIGTERM and SIGINT end the service in order (heartbeats say goodbye first).
void handleTerminationSignals(daemon::ClusterService& service) {
    sigset_t mask;
    sigemptyset(&mask);
    sigaddset(&mask, SIGTERM);
    sigaddset(&mask, SIGINT);
    sigprocmask(SIG_BLOCK, &mask, nullptr);
    const int fd = signalfd(-1, &mask, SFD_NONBLOCK | SFD_CLOEXEC);
    auto* notifier = new QSocketNotifier(fd, QSocketNotifier::Read, qApp);
    QObject::connect(notifier, &QSocketNotifier::activated, qApp, [fd, &service] {
        signalfd_siginfo info{};
        while (::read(fd, &info, sizeof info) == sizeof info) {
        }
        // Groups are released first (the same as clpcl -t), then the process ends.
        service.stop([] { QCoreApplication::quit(); });
    });
}

} // namespace

int main(int argc, char** argv) {
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("lifelined"));
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("Lifeline cluster service"));
    parser.addHelpOption();
    parser.addOption({QStringLiteral("root"), QStringLiteral("Prefix of every path (default /, or LIFELINE_ROOT)."), QStringLiteral("DIR")});
    parser.addOption({QStringLiteral("node"), QStringLiteral("This server's name in clp.conf (default: the host name)."), QStringLiteral("NAME")});
    parser.addOption({QStringLiteral("power"), QStringLiteral("real, or sandbox:CMD to run CMD ACTION instead of powering off."), QStringLiteral("MODE")});
    parser.addOption({QStringLiteral("stopped"), QStringLiteral("Do not start the cluster service (clpcl -s starts it).")});
    parser.addOption({QStringLiteral("create-key"), QStringLiteral("Generate the cluster key clp.key beside clp.conf and exit.")});
    parser.addOption({QStringLiteral("force"), QStringLiteral("With --create-key: replace an existing key.")});
    parser.addOption({QStringLiteral("alert-rows"),
                      QStringLiteral("Alerts kept in the alert store (default 10000; the oldest go first)."),
                      QStringLiteral("N"), QString::number(daemon::AlertStore::kDefaultMaxRows)});
    parser.process(app);

    const auto paths = config::Paths::resolve(parser.value(QStringLiteral("root")));
    if (parser.isSet(QStringLiteral("create-key")))
        return createKey(paths, parser.isSet(QStringLiteral("force")));

    auto loaded = config::loadConfig(paths.configFile());
    for (const auto& line : loaded.diagnostics.texts())
        std::fprintf(stderr, "%s\n", qPrintable(line));
    if (!loaded.ok())
        return fail(QStringLiteral("%1 has errors; the cluster service does not start").arg(paths.configFile()));

    const QString node = parser.isSet(QStringLiteral("node")) ? parser.value(QStringLiteral("node"))
                                                              : QSysInfo::machineHostName();
    if (!loaded.config.server(node))
        return fail(QStringLiteral("this server (%1) is not a server of %2; give its name with --node")
                        .arg(node, paths.configFile()));

    QString error;
    const auto key = rpc::ClusterKey::load(paths.keyFile(), &error);
    if (key.isNull())
        return fail(error + QStringLiteral(" (create it once with `lifelined --create-key` and copy "
                                           "it, mode 0600, with clp.conf to every server)"));
    const auto credentials = rpc::NodeCredentials::issue(key, node, &error);
    if (credentials.isNull())
        return fail(error);
    auto power = daemon::PowerControl::fromOption(parser.value(QStringLiteral("power")), &error);
    if (!power)
        return fail(error);

    for (const auto& dir : {paths.stateDir(), paths.logDir(), paths.runDir()})
        QDir().mkpath(dir);

    const int rpcPort = loaded.config.cluster.internalPort;
    daemon::ClusterService service({paths, node, loaded.config, std::move(*loaded.document),
                                    key.deriveKey("heartbeat"), std::move(power),
                                    parser.value(QStringLiteral("power"))});
    bool rowsOk = false;
    const int alertRows = parser.value(QStringLiteral("alert-rows")).toInt(&rowsOk);
    if (!rowsOk || alertRows < 1)
        return fail(QStringLiteral("--alert-rows must be a number of 1 or more"));
    // Without its store the service still runs: alerts then go to alert.log, stderr and syslog.
    if (!service.alerts().openStore(paths.stateDir() + QStringLiteral("/alerts.db"), alertRows, &error))
        std::fprintf(stderr, "lifelined: %s; alerts are not stored or synchronised\n", qPrintable(error));
    control::ControlServer control;
    if (!control.listen(paths.root(), &error))
        return fail(error);
    rpc::RpcServer rpcServer(credentials);
    if (!rpcServer.listen(QHostAddress::Any, quint16(rpcPort), &error))
        return fail(error);
    rpc::RpcClient rpcClient(credentials);
    daemon::CommandRouter router(service, control, rpcServer, rpcClient);
    // Node certificates live 30 days; renew them long before, without a restart.
    QTimer renewal;
    QObject::connect(&renewal, &QTimer::timeout, [&, current = credentials]() mutable {
        if (!current.needsRenewal())
            return;
        QString why;
        const auto renewed = rpc::NodeCredentials::issue(key, node, &why);
        if (renewed.isNull()) {
            service.alerts().error(QStringLiteral("cluster"), daemon::alert::FinalActionFailed,
                                   QStringLiteral("Cannot renew this server's RPC certificate: %1").arg(why));
            return;
        }
        current = renewed;
        rpcServer.setCredentials(renewed);
        rpcClient.setCredentials(renewed);
    });
    renewal.start(3600 * 1000);
    handleTerminationSignals(service);

    // Without a license in force the cluster service is held back (alert 901/903) while lifelined
    // runs on: a license registered here or distributed to it starts the service.
    if (!parser.isSet(QStringLiteral("stopped")) && !router.licenseGate().autostart(&error))
        return fail(QStringLiteral("cannot start the cluster service: %1").arg(error));
    return app.exec();
}
