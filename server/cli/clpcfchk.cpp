// clpcfchk — check a cluster configuration (clp.conf + scripts/) before it is used.
//
//   clpcfchk [--json] PATH          print every error and warning, one a line
//   clpcfchk --rewrite PATH OUT     write the normalized configuration to OUT
//
// PATH is a clp.conf file or the directory holding clp.conf and scripts/ (then the
// scripts the configuration runs are checked too). Exit status: 0 no error,
// 1 errors, 2 PATH cannot be read or the arguments are wrong.

#include "ConfigReader.h"
#include "ConfigWriter.h"
#include "Schema.h"
#include "ScriptSet.h"

#include <QCoreApplication>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QTextStream>

#include <cstdio>

using namespace lifeline::config;

namespace {

constexpr int kExitOk = 0;
constexpr int kExitErrors = 1;
constexpr int kExitUnreadable = 2;

QTextStream& out() {
    static QTextStream s(stdout);
    return s;
}
QTextStream& err() {
    static QTextStream s(stderr);
    return s;
}

int usage() {
    err() << "Usage: clpcfchk [--json] PATH\n"
             "       clpcfchk --rewrite PATH OUT\n"
             "PATH is a clp.conf file or the directory that holds clp.conf and scripts/.\n";
    return kExitUnreadable;
}

struct Target {
    QString file;      // the clp.conf
    QString directory; // set when PATH was a directory: scripts/ are checked there
};

std::optional<Target> resolve(const QString& path) {
    const QFileInfo info(path);
    if (info.isDir())
        return Target{info.absoluteFilePath() + QStringLiteral("/clp.conf"), info.absoluteFilePath()};
    if (info.exists())
        return Target{info.absoluteFilePath(), QString()};
    return std::nullopt;
}

// Unreadable means we never got to the XML: missing file or no permission.
bool readable(const QString& file) {
    QFile f(file);
    if (!f.open(QIODevice::ReadOnly)) {
        err() << "clpcfchk: " << file << ": cannot open: " << f.errorString() << "\n";
        return false;
    }
    return true;
}

int check(const QString& path, bool json) {
    const auto target = resolve(path);
    if (!target) {
        err() << "clpcfchk: " << path << ": no such file or directory\n";
        return kExitUnreadable;
    }
    if (!readable(target->file))
        return kExitUnreadable;
    auto loaded = loadConfig(target->file);
    if (loaded.document && !target->directory.isEmpty())
        checkScripts(loaded.config, target->directory, loaded.diagnostics);
    const auto& diagnostics = loaded.diagnostics;
    if (json) {
        QJsonArray items;
        for (const auto& d : diagnostics.items())
            items.append(d.toJson());
        QJsonArray scripts;
        for (const auto& s : requiredScripts(loaded.config))
            scripts.append(s.relativePath);
        const QJsonObject report{{"file", target->file},
                                 {"errors", int(diagnostics.errorCount())},
                                 {"warnings", int(diagnostics.warningCount())},
                                 {"diagnostics", items},
                                 {"scripts", scripts}};
        out() << QJsonDocument(report).toJson(QJsonDocument::Indented);
    } else {
        for (const auto& line : diagnostics.texts())
            out() << line << "\n";
        out() << target->file << ": " << diagnostics.errorCount() << " error(s), "
              << diagnostics.warningCount() << " warning(s)\n";
    }
    return diagnostics.hasErrors() ? kExitErrors : kExitOk;
}

int rewrite(const QString& path, const QString& output) {
    const auto target = resolve(path);
    if (!target || !readable(target->file)) {
        if (!target)
            err() << "clpcfchk: " << path << ": no such file or directory\n";
        return kExitUnreadable;
    }
    auto loaded = loadConfig(target->file);
    for (const auto& line : loaded.diagnostics.texts())
        err() << line << "\n";
    if (!loaded.document)
        return kExitErrors;
    writeConfig(loaded.config, *loaded.document);
    QString why;
    if (!loaded.document->save(output, &why)) {
        err() << "clpcfchk: " << why << "\n";
        return kExitUnreadable;
    }
    return kExitOk;
}

} // namespace

int main(int argc, char** argv) {
    QCoreApplication app(argc, argv);
    auto args = app.arguments().mid(1);
    if (args == QStringList{QStringLiteral("--defaults-table")}) {
        // Maintenance: the defaults table of server/config/README.md.
        out() << schema::defaultsMarkdown();
        return kExitOk;
    }
    if (args.size() == 3 && args[0] == QLatin1String("--rewrite"))
        return rewrite(args[1], args[2]);
    const bool json = args.removeAll(QStringLiteral("--json")) > 0;
    if (args.size() != 1 || args[0].startsWith(QLatin1String("--")))
        return usage();
    return check(args[0], json);
}
