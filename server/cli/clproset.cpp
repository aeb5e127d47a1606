// clproset — the read-only flag of shared-disk partitions (ExpressCluster's clproset).
//
//   clproset -o|-w|-s [-d DEVICE | -r RESOURCE | -a] [--root DIR] [--json]
//
// -o sets ReadOnly, -w ReadWrite, -s shows the flag; of DEVICE, of the device of
// disk resource RESOURCE, or of every disk resource (-a) of the local clp.conf.
// Works without lifelined: it is what an administrator uses with the cluster
// stopped (restoring a backup). Output and exit codes: README.md "clproset".

#include "BlockDevice.h"
#include "CliContext.h"
#include "ConfigReader.h"
#include "Paths.h"

#include <QCoreApplication>
#include <QJsonArray>
#include <QJsonDocument>

#include <unistd.h>

using lifeline::cli::CliContext;
using lifeline::resources::BlockDevice;

namespace {

struct Target {
    QString spec;     // as given or configured: "/dev/sdb5", "UUID=..."
    QString resource; // empty for -d
};

// ExpressCluster applies clproset only to disk resources of Disk Type "disk";
// a volume manager's device must never be set read-only.
bool isGuardedDisk(const lifeline::config::Resource& r) {
    return r.type == QLatin1String("disk") &&
           r.param(QStringLiteral("disktype")).trimmed() == QLatin1String("disk");
}

// -r / -a: the devices of the local clp.conf; nullopt after printing why not.
std::optional<QList<Target>> configuredTargets(const CliContext& ctx, const QString& name) {
    const QString file = lifeline::config::Paths(ctx.root()).configFile();
    const auto loaded = lifeline::config::loadConfig(file);
    if (!loaded.document) {
        CliContext::printErr(QStringLiteral("clproset: cannot read %1\n").arg(file));
        for (const QString& line : loaded.diagnostics.texts())
            CliContext::printErr(line + QLatin1Char('\n'));
        return std::nullopt;
    }
    QList<Target> targets;
    for (const auto& r : loaded.config.resources) {
        if (!name.isEmpty() && r.name != name)
            continue;
        if (!name.isEmpty() && !isGuardedDisk(r)) {
            CliContext::printErr(
                QStringLiteral("clproset: %1 is not a disk resource of disktype disk\n").arg(name));
            return std::nullopt;
        }
        if (isGuardedDisk(r))
            targets.append({r.param(QStringLiteral("device")).trimmed(), r.name});
    }
    if (targets.isEmpty()) {
        CliContext::printErr(
            name.isEmpty()
                ? QStringLiteral("clproset: %1 has no disk resource of disktype disk\n").arg(file)
                : QStringLiteral("clproset: no resource %1 in %2\n").arg(name, file));
        return std::nullopt;
    }
    return targets;
}

// Applies the operation ('o', 'w' or 's') to one device; the JSON object says how it went.
QJsonObject apply(const Target& target, char operation) {
    QJsonObject result{{"device", target.spec}};
    if (!target.resource.isEmpty())
        result[QStringLiteral("resource")] = target.resource;
    QString error;
    const QString node = BlockDevice::resolve(target.spec, &error);
    if (!node.isEmpty()) {
        result[QStringLiteral("device")] = node;
        const auto mounts = BlockDevice::mountsOf(*BlockDevice::deviceNumber(node, nullptr));
        if (operation == 'o' && !mounts.isEmpty())
            error = QStringLiteral("mounted on %1; unmount it first")
                        .arg(BlockDevice::mountPoints(mounts));
        else if (operation != 's')
            BlockDevice::setReadOnly(node, operation == 'o', &error);
        if (error.isEmpty()) {
            if (const auto ro = BlockDevice::readOnly(node, &error))
                result[QStringLiteral("state")] = *ro ? QStringLiteral("RO") : QStringLiteral("RW");
        }
    }
    if (!error.isEmpty())
        result[QStringLiteral("error")] = error;
    return result;
}

} // namespace

int main(int argc, char** argv) {
    QCoreApplication app(argc, argv);
    CliContext ctx(
        QStringLiteral("clproset"),
        QStringLiteral("Set (-o ReadOnly, -w ReadWrite) or show (-s) the read-only flag of "
                       "shared-disk partitions."),
        30);
    auto& parser = ctx.parser();
    const QCommandLineOption readOnly(QStringLiteral("o"), QStringLiteral("Set ReadOnly."));
    const QCommandLineOption readWrite(QStringLiteral("w"), QStringLiteral("Set ReadWrite."));
    const QCommandLineOption show(QStringLiteral("s"), QStringLiteral("Show the state."));
    const QCommandLineOption device(QStringLiteral("d"),
                                    QStringLiteral("A device (path, UUID=...)."),
                                    QStringLiteral("DEVICE"));
    const QCommandLineOption resource(QStringLiteral("r"),
                                      QStringLiteral("The device of a disk resource."),
                                      QStringLiteral("RESOURCE"));
    const QCommandLineOption all(QStringLiteral("a"),
                                 QStringLiteral("Every disk resource of clp.conf."));
    parser.addOptions({readOnly, readWrite, show, device, resource, all});
    if (!ctx.parse(app.arguments()))
        return ctx.exitCode();
    if (!parser.positionalArguments().isEmpty())
        return ctx.usageError(
            QStringLiteral("unexpected argument %1").arg(parser.positionalArguments().first()));
    const int operations = parser.isSet(readOnly) + parser.isSet(readWrite) + parser.isSet(show);
    const int selections = parser.isSet(device) + parser.isSet(resource) + parser.isSet(all);
    if (operations != 1)
        return ctx.usageError(QStringLiteral("give one of -o, -w, -s"));
    if (selections != 1)
        return ctx.usageError(QStringLiteral("give one of -d DEVICE, -r RESOURCE, -a"));
    if (::geteuid() != 0) {
        CliContext::printErr(QStringLiteral("Log in as root.\n"));
        return CliContext::kExitFailed;
    }

    QList<Target> targets;
    if (parser.isSet(device)) {
        targets.append({parser.value(device), QString()});
    } else {
        const auto configured =
            configuredTargets(ctx, parser.isSet(all) ? QString() : parser.value(resource));
        if (!configured)
            return CliContext::kExitFailed;
        targets = *configured;
    }

    const char operation = parser.isSet(readOnly) ? 'o' : parser.isSet(readWrite) ? 'w' : 's';
    QJsonArray results;
    bool failed = false;
    for (const Target& target : targets) {
        const QJsonObject r = apply(target, operation);
        results.append(r);
        const QString name = r.value(QStringLiteral("device")).toString();
        if (r.contains(QStringLiteral("error"))) {
            failed = true;
            if (!ctx.json())
                CliContext::printErr(QStringLiteral("clproset: %1: %2\n")
                                         .arg(name, r.value(QStringLiteral("error")).toString()));
        } else if (!ctx.json()) {
            CliContext::printOut(
                QStringLiteral("%1 : %2\n").arg(name, r.value(QStringLiteral("state")).toString()));
        }
    }
    if (ctx.json())
        CliContext::printOut(
            QString::fromUtf8(QJsonDocument(QJsonObject{{"ok", !failed}, {"devices", results}})
                                  .toJson(QJsonDocument::Indented)));
    return failed ? CliContext::kExitFailed : CliContext::kExitOk;
}
