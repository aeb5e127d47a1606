#pragma once

#include "CliContext.h"
#include "ControlClient.h"
#include "License.h"

#include <QCommandLineParser>
#include <QJsonObject>
#include <QString>

namespace lifeline::cli {

// clplcnsc: register, list, delete and distribute licenses (README.md "clplcnsc"). The local
// store is written here directly (registering works while lifelined is stopped, as the manual
// registers before the cluster exists); only --distribute goes through lifelined. Argument
// rules, the store operations and the wording live here, apart from main(), so they are
// tested without root and without a daemon.
class LicenseCommand {
public:
    enum class Mode { Register, List, Delete, Distribute };
    struct Request {
        Mode mode = Mode::List;
        QString file;    // -i FILE; empty with -i: the interactive dialogue
        QString product; // -p ID (empty: every product, for -l and --distribute)
        bool distribute = false;
    };
    using Outcome = CliContext::Outcome;

    static const QString
        kPartialSuccess; // the manual's "Command succeeded. But ..." (digest §10.5)

    static void addOptions(QCommandLineParser& parser);
    static bool read(const QCommandLineParser& parser, Request* request, QString* error);
    static bool parse(const QStringList& arguments, Request* request, QString* error);

    // Checks `license` for `product` and adds it to the store at `storePath`; `source` is
    // "file" or "interactive". "Command succeeded." or the reason and "Command failed.".
    static Outcome registerLicense(const QString& storePath, licensing::License license,
                                   const QString& product, const QString& source, bool json);
    static Outcome list(const QString& storePath, const QString& product, bool json);
    static Outcome remove(const QString& storePath, const QString& product, bool json);
    // lifelined's answer to licenses.distribute: "Command succeeded.", or the manual's partial
    // success with each server that was not reached named on stderr (exit 1).
    // `registration`: what registerLicense() printed just before (its license stays registered
    // here also when lifelined cannot be reached); with --json the two answers become one.
    static Outcome distributed(const control::ControlReply& reply, bool json,
                               const QString& registration = {});
    // The reason and "Command failed." on stderr (and {"ok": false, "message"} with --json).
    static Outcome failed(const QString& message, bool json);
};

} // namespace lifeline::cli
