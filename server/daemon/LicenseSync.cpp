#include "LicenseSync.h"

#include "ClusterService.h"
#include "LicenseGate.h"

#include "ControlServer.h"
#include "LicenseReport.h"
#include "LicenseStore.h"
#include "RpcServer.h"

#include <QJsonArray>

#include <memory>

namespace lifeline::daemon {

using licensing::License;
using licensing::LicenseStore;

LicenseSync::LicenseSync(ClusterService& service, LicenseGate& gate, control::ControlServer& control,
                         rpc::RpcServer& rpcServer, PeerCall call, QObject* parent)
    : QObject(parent), service_(service), gate_(gate), call_(std::move(call)),
      storePath_(LicenseStore::pathIn(service.paths().stateDir())) {
    registerCommands(control);
    registerMethods(rpcServer);
}

QList<LicenseStore::Entry> LicenseSync::stored(const QString& product, QString* error) const {
    LicenseStore store(storePath_);
    return store.open(error) ? store.list(product, error) : QList<LicenseStore::Entry>();
}

void LicenseSync::registerCommands(control::ControlServer& control) {
    using control::Access;
    // {product?} -> the LicenseReport of this server's store.
    control.registerCommand(QStringLiteral("licenses"), Access::Read,
                            [this](const control::Request& request, control::Responder r) {
                                QString error;
                                const auto entries =
                                    stored(request.args.value("product").toString(), &error);
                                if (!error.isEmpty()) {
                                    r.fail(QStringLiteral("failed"), error);
                                    return;
                                }
                                QJsonObject report =
                                    licensing::LicenseReport::toJson(entries, verifier_);
                                report.insert("server", service_.localServer());
                                report.insert("cluster", gate_.toJson());
                                r.reply(report);
                            });
    // clplcnsc registered or deleted licenses here: a start held back for want of one is made.
    control.registerCommand(QStringLiteral("licenses.changed"), Access::Write,
                            [this](const control::Request&, control::Responder r) {
                                gate_.reconsider();
                                r.reply({{"cluster", gate_.toJson()}});
                            });
    // {product?} -> {"licenses": [serial...], "servers": {name: {ok, message?}}}
    control.registerCommand(
        QStringLiteral("licenses.distribute"), Access::Write,
        [this](const control::Request& request, control::Responder r) {
            const QString product = request.args.value("product").toString();
            QString error;
            const auto entries = stored(product, &error);
            if (!error.isEmpty()) {
                r.fail(QStringLiteral("failed"), error);
                return;
            }
            QJsonArray licenses, serials;
            for (const auto& e : entries)
                if (e.error.isEmpty() && e.license.kind == License::Kind::Cpu &&
                    verifier_.check(e.license).ok()) {
                    licenses.append(e.license.toJson());
                    serials.append(
                        QStringLiteral("%1 %2").arg(e.license.product, e.license.serial));
                }
            if (licenses.isEmpty()) {
                r.fail(QStringLiteral("not-found"),
                       QStringLiteral(
                           "no valid CPU license%1 is registered on %2 (VM node and node licenses "
                           "are registered on each server that uses them)")
                           .arg(product.isEmpty() ? QString() : QStringLiteral(" of ") + product,
                                service_.localServer()));
                return;
            }
            struct Gather {
                control::Responder responder;
                QJsonObject result;
                QJsonObject servers;
                int pending = 0;
                void add(const QString& server, QJsonObject entry) {
                    servers.insert(server, entry);
                    if (--pending == 0) {
                        result.insert("servers", servers);
                        responder.reply(result);
                    }
                }
            };
            auto gather = std::make_shared<Gather>();
            gather->responder = r;
            gather->result = {{"licenses", serials}};
            const auto servers = service_.config().serversByPriority();
            gather->pending = int(servers.size());
            for (const auto& s : servers) {
                if (s.name == service_.localServer()) {
                    gather->add(s.name, {{"ok", true}});
                    continue;
                }
                call_(s.name, QStringLiteral("licenses.put"), {{"licenses", licenses}}, kTimeoutMs,
                      [gather, name = s.name](bool ok, const QJsonObject&, const QString& error) {
                          QJsonObject entry{{"ok", ok}};
                          if (!ok)
                              entry.insert("message", error);
                          gather->add(name, entry);
                      });
            }
        });
}

void LicenseSync::registerMethods(rpc::RpcServer& rpcServer) {
    // {licenses: [license...]} from another server -> {added}; every license checked here.
    rpcServer.registerMethod(QStringLiteral("licenses.put"), [this](const QJsonObject& params,
                                                                    const QString& peer,
                                                                    rpc::RpcServer::Responder r) {
        QList<License> licenses;
        for (const auto& v : params.value("licenses").toArray()) {
            QString error;
            auto license = License::fromJson(v.toObject(), &error);
            const auto verdict =
                license ? verifier_.check(*license) : licensing::LicenseVerifier::Verdict{};
            if (!verdict.ok()) {
                r.fail(QStringLiteral("%1 refused a license from %2: %3")
                           .arg(service_.localServer(), peer, license ? verdict.message : error));
                return;
            }
            license->key = verdict.key;
            licenses.append(*license);
        }
        LicenseStore store(storePath_);
        QString error;
        if (!store.open(&error)) {
            r.fail(error);
            return;
        }
        const auto added = store.add(licenses, peer);
        if (!added.ok)
            r.fail(QStringLiteral("%1: %2").arg(service_.localServer(), added.error));
        else
            r.reply({{"added", added.added}});
        gate_.reconsider();
    });
}

} // namespace lifeline::daemon
