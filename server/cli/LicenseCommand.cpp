#include "LicenseCommand.h"

#include "LicenseReport.h"
#include "LicenseStore.h"
#include "LicenseVerifier.h"
#include "LicenseView.h"
#include "Product.h"

#include <QJsonDocument>

namespace lifeline::cli {

using licensing::License;
using licensing::LicenseStore;
using licensing::LicenseVerifier;
using licensing::Product;

namespace {
const QCommandLineOption
    kRegister(QStringList{"i"}, "Register the license of FILE, or (without FILE) as you type it.");
const QCommandLineOption kProduct(QStringList{"p"}, "The product ID (BASE10, XSSS10, DBAG10, ...).",
                                  "ID");
const QCommandLineOption kList(QStringList{"l"}, "List the licenses registered on this server.");
const QCommandLineOption kDelete(QStringList{"d"},
                                 "Delete every license of the product on this server.");
const QCommandLineOption
    kDistribute(QStringList{"distribute"},
                "Send this server's CPU licenses to every server of the cluster "
                "(through lifelined); with -i after registering.");

QString indented(const QJsonObject& object) {
    return QString::fromUtf8(QJsonDocument(object).toJson(QJsonDocument::Indented));
}

// Opens the store; nothing (and the failure) when it cannot be.
bool openStore(LicenseStore& store, bool json, LicenseCommand::Outcome* o) {
    QString error;
    if (store.open(&error))
        return true;
    *o = LicenseCommand::failed(error, json);
    return false;
}
} // namespace

const QString LicenseCommand::kPartialSuccess = QStringLiteral(
    "Command succeeded. But the license was not applied to all the servers in the cluster "
    "because there are one or more servers that are not started up.");

LicenseCommand::Outcome LicenseCommand::failed(const QString& message, bool json) {
    Outcome o;
    o.err = message + QStringLiteral("\nCommand failed.\n");
    o.exitCode = CliContext::kExitFailed;
    if (json)
        o.out = indented({{"ok", false}, {"message", message}});
    return o;
}

void LicenseCommand::addOptions(QCommandLineParser& parser) {
    parser.setSingleDashWordOptionMode(QCommandLineParser::ParseAsCompactedShortOptions);
    parser.addOptions({kRegister, kProduct, kList, kDelete, kDistribute});
    parser.addPositionalArgument("FILE", "The license file (with -i).", "[FILE]");
}

bool LicenseCommand::read(const QCommandLineParser& parser, Request* request, QString* error) {
    *request = Request();
    const int modes =
        int(parser.isSet(kRegister)) + int(parser.isSet(kList)) + int(parser.isSet(kDelete));
    if (modes > 1 || (modes == 0 && !parser.isSet(kDistribute))) {
        *error = QStringLiteral(
            "choose one of -i [FILE] -p ID, -l [-p ID], -d -p ID, --distribute [-p ID]");
        return false;
    }
    const QStringList files = parser.positionalArguments();
    if (files.size() > (parser.isSet(kRegister) ? 1 : 0)) {
        *error = QStringLiteral("unexpected argument \"%1\"").arg(files.last());
        return false;
    }
    request->product = parser.value(kProduct);
    if (!request->product.isEmpty() && !Product::find(request->product)) {
        *error = QStringLiteral("unknown product ID \"%1\" (one of %2)")
                     .arg(request->product, Product::idList());
        return false;
    }
    request->distribute = parser.isSet(kDistribute);
    if (parser.isSet(kList) || parser.isSet(kDelete)) {
        request->mode = parser.isSet(kList) ? Mode::List : Mode::Delete;
        if (request->distribute) {
            *error = QStringLiteral("--distribute goes with -i or alone");
            return false;
        }
    } else {
        request->mode = parser.isSet(kRegister) ? Mode::Register : Mode::Distribute;
        request->file = files.value(0);
    }
    if (request->product.isEmpty() &&
        (request->mode == Mode::Register || request->mode == Mode::Delete)) {
        *error =
            QStringLiteral("give the product ID with -p ID (one of %1)").arg(Product::idList());
        return false;
    }
    return true;
}

bool LicenseCommand::parse(const QStringList& arguments, Request* request, QString* error) {
    QCommandLineParser parser;
    addOptions(parser);
    if (!parser.parse(QStringList{QStringLiteral("clplcnsc")} + arguments)) {
        *error = parser.errorText();
        return false;
    }
    return read(parser, request, error);
}

LicenseCommand::Outcome LicenseCommand::registerLicense(const QString& storePath, License license,
                                                        const QString& product,
                                                        const QString& source, bool json) {
    const auto verdict = LicenseVerifier().check(license, product);
    if (!verdict.ok())
        return failed(verdict.message, json);
    license.key = verdict.key;
    Outcome o;
    LicenseStore store(storePath);
    if (!openStore(store, json, &o))
        return o;
    const auto added = store.add({license}, source);
    if (!added.ok)
        return failed(added.error, json);
    o.out =
        json ? indented({{"ok", true}, {"added", added.added > 0}, {"license", license.toJson()}})
             : QStringLiteral("Command succeeded.\n");
    return o;
}

LicenseCommand::Outcome LicenseCommand::list(const QString& storePath, const QString& product,
                                             bool json) {
    Outcome o;
    LicenseStore store(storePath);
    if (!openStore(store, json, &o))
        return o;
    QString error;
    const auto entries = store.list(product, &error);
    if (!error.isEmpty())
        return failed(error, json);
    const QJsonObject report = licensing::LicenseReport::toJson(entries, LicenseVerifier());
    if (json)
        o.out = indented(report);
    else if (entries.isEmpty())
        o.out = product.isEmpty()
                    ? QStringLiteral("No license is registered.\n")
                    : QStringLiteral("No license of %1 is registered.\n").arg(product);
    else
        o.out = LicenseView::format(report, false);
    return o;
}

LicenseCommand::Outcome LicenseCommand::remove(const QString& storePath, const QString& product,
                                               bool json) {
    Outcome o;
    LicenseStore store(storePath);
    if (!openStore(store, json, &o))
        return o;
    QString error;
    const int removed = store.remove(product, &error);
    if (removed < 0)
        return failed(error, json);
    o.out = json ? indented({{"ok", true}, {"deleted", removed}})
                 : QStringLiteral("Command succeeded.\n");
    return o;
}

LicenseCommand::Outcome LicenseCommand::distributed(const control::ControlReply& reply, bool json,
                                                    const QString& registration) {
    const bool registered = !registration.isEmpty();
    Outcome o;
    const bool answered = CliContext::beginOutcome(reply, json, &o);
    if (json && registered) {
        // One object: the registration's, with lifelined's answer (or why there is none).
        QJsonObject merged = QJsonDocument::fromJson(registration.toUtf8()).object();
        merged.insert("distribution", reply.status == control::ControlReply::Status::Transport
                                          ? QJsonObject{{"ok", false}, {"message", reply.message}}
                                          : reply.raw);
        o.out = indented(merged);
    }
    if (!answered) {
        // Registered here, but nobody to tell: the manual's case of a transaction server that
        // is not active.
        if (registered && reply.status == control::ControlReply::Status::Transport && !json)
            o.out = kPartialSuccess + QLatin1Char('\n');
        return o;
    }
    const QJsonObject servers = reply.result.value("servers").toObject();
    for (auto it = servers.begin(); it != servers.end(); ++it)
        if (!it.value().toObject().value("ok").toBool()) {
            o.err += QStringLiteral("%1: %2\n")
                         .arg(it.key(), it.value().toObject().value("message").toString());
            o.exitCode = CliContext::kExitFailed;
        }
    if (!json)
        o.out = o.exitCode == CliContext::kExitOk ? QStringLiteral("Command succeeded.\n")
                                                  : kPartialSuccess + QLatin1Char('\n');
    return o;
}

} // namespace lifeline::cli
