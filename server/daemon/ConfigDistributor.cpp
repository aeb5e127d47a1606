#include "ConfigDistributor.h"

#include "ClusterService.h"

#include "ApplyPolicy.h"
#include "ConfigPackage.h"
#include "ConfigReader.h"
#include "ControlServer.h"
#include "RpcServer.h"

#include <QJsonArray>
#include <QSet>
#include <QUuid>

namespace lifeline::daemon {

namespace {

const QStringList kParticipantMethods{
    QStringLiteral("config.stage"), QStringLiteral("config.commit"),
    QStringLiteral("config.rollback"), QStringLiteral("config.abort"),
    QStringLiteral("config.finish")};

QString shortHash(const QByteArray& hash) {
    return QString::fromLatin1(hash.toHex().left(12));
}

QJsonObject checkJson(const policy::ApplyDecision& d, const policy::ApplyCheck& c) {
    return {{"allowed", c.allowed},
            {"message", c.message},
            {"operation", policy::applyOperationName(d.operation)},
            {"afterUpload", d.afterUpload}};
}

QJsonArray changesJson(const policy::ApplyDecision& d) {
    QJsonArray out;
    for (const auto& c : d.changes)
        out.append(QJsonObject{{"object", c.object},
                               {"kind", policy::changeKindName(c.kind)},
                               {"old", c.oldValue},
                               {"new", c.newValue},
                               {"operation", policy::applyOperationName(c.operation)}});
    return out;
}

QStringList strings(const QJsonValue& v) {
    QStringList out;
    for (const auto& s : v.toArray())
        out << s.toString();
    return out;
}

} // namespace

struct ConfigDistributor::Push {
    struct Target {
        bool staged = false;
        bool committed = false;
        bool rolledBack = false;
        QString error;
        QJsonObject report; // the stage answer: that server's state and its own check
    };
    QString token;
    control::Responder responder;
    QString host; // clpcfctrl -h: the one server pushed to
    QStringList targets;
    config::ClusterConfig next;
    std::optional<config::ConfigDocument> document;
    QJsonObject package;
    QHash<QString, Target> servers;
    policy::ApplyDecision decision; // cluster-wide; with `host` only that server's verdict counts
    QString operation;              // the strongest operation the change needs
    QString afterUpload;            // what to print after a successful upload
};

ConfigDistributor::ConfigDistributor(ClusterService& service, control::ControlServer& control,
                                     rpc::RpcServer& rpcServer, PeerCall call, QObject* parent)
    : QObject(parent), service_(service), call_(std::move(call)),
      staging_(service.paths().configDir()) {
    using control::Access;
    control.registerCommand(
        QStringLiteral("config.push"), Access::Write,
        [this](const control::Request& request, control::Responder r) { push(request, r); });
    // Scripts may hold what only root should read: a backup is root's.
    control.registerCommand(QStringLiteral("config.pull"), Access::Write,
                            [this](const control::Request&, control::Responder r) { pull(r); });
    for (const auto& method : kParticipantMethods)
        rpcServer.registerMethod(method, [this, method](const QJsonObject& params,
                                                        const QString& peer,
                                                        rpc::RpcServer::Responder r) {
            participate(method, params, peer,
                        [r](bool ok, const QJsonObject& result, const QString& error) {
                            if (ok)
                                r.reply(result);
                            else
                                r.fail(error);
                        });
        });
    expiry_.setSingleShot(true);
    connect(&expiry_, &QTimer::timeout, this, &ConfigDistributor::expire);
    staging_.abort(QString()); // what a crash left staged is stale
}

ConfigDistributor::~ConfigDistributor() = default;

// ---- clpcfctrl --pull ------------------------------------------------------------------

void ConfigDistributor::pull(const control::Responder& r) {
    QString error;
    const auto package = config::ConfigPackage::readDirectory(service_.paths().configDir(), &error);
    if (!package) {
        r.fail(QStringLiteral("failed"), error);
        return;
    }
    QJsonObject result = package->toJson();
    result.insert("hash", QString::fromLatin1(service_.configHash().toHex()));
    r.reply(result);
}

// ---- clpcfctrl --push: the coordinator -----------------------------------------------

void ConfigDistributor::push(const control::Request& request, const control::Responder& r) {
    if (push_) {
        r.fail(QStringLiteral("unavailable"),
               QStringLiteral("another upload is in progress on %1").arg(service_.localServer()));
        return;
    }
    QString error;
    const auto package = config::ConfigPackage::fromJson(request.args, &error);
    if (!package) {
        r.fail(QStringLiteral("bad-request"), error);
        return;
    }
    auto loaded = config::parseConfig(package->conf, QStringLiteral("clp.conf"));
    if (loaded.document)
        package->checkScripts(loaded.config, loaded.diagnostics);
    if (!loaded.ok()) {
        r.reply(
            {{"uploaded", false},
             {"reason", "invalid"},
             {"message", QStringLiteral("The configuration has %1 error(s); nothing was uploaded.")
                             .arg(loaded.diagnostics.errorCount())},
             {"diagnostics", QJsonArray::fromStringList(loaded.diagnostics.texts())},
             {"operation", QString()},
             {"servers", QJsonArray()}});
        return;
    }
    auto p = std::make_shared<Push>();
    p->token = QUuid::createUuid().toString(QUuid::WithoutBraces);
    p->responder = r;
    p->host = request.args.value("server").toString();
    p->next = loaded.config;
    p->document = std::move(loaded.document);
    p->package = package->toJson();
    if (!p->host.isEmpty()) {
        if (!p->next.server(p->host)) {
            r.fail(QStringLiteral("not-found"),
                   QStringLiteral("no server named \"%1\" in the configuration to upload")
                       .arg(p->host));
            return;
        }
        p->targets << p->host;
    } else {
        for (const auto& s : p->next.serversByPriority())
            p->targets << s.name;
        // Removing a server that still runs a group would leave the group nowhere.
        const auto status = service_.status();
        for (const auto& g : status.value("groups").toArray()) {
            const QString current = g.toObject().value("current").toString();
            if (!current.isEmpty() && !p->next.server(current)) {
                r.reply({{"uploaded", false},
                         {"reason", "state"},
                         {"message",
                          QStringLiteral("Server %1 still runs group %2: move or stop it before "
                                         "removing the server.")
                              .arg(current, g.toObject().value("name").toString())},
                         {"operation", QString()},
                         {"servers", QJsonArray()}});
                return;
            }
        }
    }
    push_ = p;
    forEachTarget(
        p, QStringLiteral("config.stage"), [](const QString&) { return true; },
        [this, p] { afterStage(p); });
}

void ConfigDistributor::callTarget(const std::shared_ptr<Push>& p, const QString& server,
                                   const QString& method, const QJsonObject& params, Result done) {
    if (server == service_.localServer()) {
        participate(method, params, server, std::move(done));
        return;
    }
    // A server being added is known by the new configuration only.
    QStringList addresses = service_.config().lanAddresses(server);
    if (addresses.isEmpty())
        addresses = p->next.lanAddresses(server);
    if (addresses.isEmpty()) {
        done(false, {}, QStringLiteral("no address of server %1 is configured").arg(server));
        return;
    }
    call_(server, addresses, method, params, kStepTimeoutMs, std::move(done));
}

// Calls `method` on every target `which` selects, in parallel, recording each answer,
// and `then` once all have answered.
void ConfigDistributor::forEachTarget(const std::shared_ptr<Push>& p, const QString& method,
                                      const std::function<bool(const QString&)>& which,
                                      std::function<void()> then) {
    QStringList chosen;
    for (const auto& t : p->targets)
        if (which(t))
            chosen << t;
    auto pending = std::make_shared<int>(int(chosen.size()));
    auto finish = std::make_shared<std::function<void()>>(std::move(then));
    if (chosen.isEmpty()) {
        (*finish)();
        return;
    }
    QJsonObject params{{"token", p->token}};
    if (method == QLatin1String("config.stage"))
        params.insert("package", p->package);
    for (const auto& server : chosen)
        callTarget(p, server, method, params,
                   [p, server, method, pending, finish](bool ok, const QJsonObject& result,
                                                        const QString& error) {
                       auto& t = p->servers[server];
                       if (method == QLatin1String("config.stage")) {
                           t.staged = ok;
                           t.report = result;
                       } else if (method == QLatin1String("config.commit")) {
                           t.committed = ok;
                       } else if (method == QLatin1String("config.rollback")) {
                           t.rolledBack = ok;
                       }
                       if (!ok && t.error.isEmpty())
                           t.error = error;
                       if (--*pending == 0)
                           (*finish)();
                   });
}

void ConfigDistributor::afterStage(const std::shared_ptr<Push>& p) {
    auto abortAll = [this, p](QJsonObject result) {
        forEachTarget(
            p, QStringLiteral("config.abort"),
            [p](const QString& s) { return p->servers.value(s).staged; },
            [this, p, result] { end(p, result); });
    };
    QStringList failed;
    for (const auto& t : p->targets)
        if (!p->servers.value(t).staged)
            failed << QStringLiteral("%1: %2").arg(t, p->servers.value(t).error);
    if (!failed.isEmpty()) {
        const QString message = QStringLiteral("The upload was cancelled; no server changed: %1")
                                    .arg(failed.join(QStringLiteral("; ")));
        service_.alerts().warning(QStringLiteral("cfmgr"), cfalert::Cancelled, message);
        abortAll({{"uploaded", false}, {"reason", "unreachable"}, {"message", message}});
        return;
    }

    policy::ApplyCheck check;
    if (!p->host.isEmpty()) {
        // One server: its own running configuration and state decide.
        const auto local = p->servers.value(p->host).report.value("check").toObject();
        check.allowed = local.value("allowed").toBool();
        check.message = local.value("message").toString();
        p->operation = local.value("operation").toString();
        p->afterUpload = local.value("afterUpload").toString();
    } else {
        // Every server must run what this one runs, or the comparison means nothing.
        const QString here = QString::fromLatin1(service_.configHash().toHex());
        for (const auto& t : p->targets) {
            const auto report = p->servers.value(t).report;
            const QString hash = report.value("hash").toString();
            if (report.value("state").toString() != QLatin1String("Stopped") && hash != here) {
                abortAll({{"uploaded", false},
                          {"reason", "state"},
                          {"message",
                           QStringLiteral("Server %1 runs another configuration (%2) than %3 (%4): "
                                          "upload to it alone with -h, or stop the cluster.")
                               .arg(t, hash.left(12), service_.localServer(), here.left(12))}});
                return;
            }
        }
        p->decision =
            policy::decideApply(service_.config(), p->next, &service_.document(), &*p->document);
        // The cluster's state as the servers reported it.
        policy::ApplyState state;
        state.cluster = policy::ClusterRunState::Stopped;
        QSet<QString> active;
        std::optional<QSet<QString>> suspended; // on every server that runs monitors
        for (const auto& t : p->targets) {
            const auto report = p->servers.value(t).report;
            const QString s = report.value("state").toString();
            if (s == QLatin1String("Suspended") &&
                state.cluster == policy::ClusterRunState::Stopped)
                state.cluster = policy::ClusterRunState::Suspended;
            if (s == QLatin1String("Online") || s == QLatin1String("Starting")) {
                state.cluster = policy::ClusterRunState::Online;
                const auto names = strings(report.value("suspendedMonitors"));
                const QSet<QString> set(names.begin(), names.end());
                suspended = suspended ? suspended->intersect(set) : set;
            }
            for (const auto& g : strings(report.value("activeGroups")))
                active.insert(g);
        }
        if (suspended)
            state.suspendedMonitors = QStringList(suspended->begin(), suspended->end());
        for (const auto& g : service_.config().groups)
            if (!active.contains(g.name))
                state.stoppedGroups << g.name;
        check = policy::checkApplyState(p->decision, state);
        p->operation = policy::applyOperationName(p->decision.operation);
        p->afterUpload = p->decision.afterUpload;
    }
    if (!check.allowed) {
        abortAll({{"uploaded", false},
                  {"reason", "state"},
                  {"message", check.message},
                  {"changes", changesJson(p->decision)}});
        return;
    }
    forEachTarget(
        p, QStringLiteral("config.commit"), [](const QString&) { return true; },
        [this, p] { afterCommit(p); });
}

void ConfigDistributor::afterCommit(const std::shared_ptr<Push>& p) {
    QStringList failed;
    for (const auto& t : p->targets)
        if (!p->servers.value(t).committed)
            failed << QStringLiteral("%1: %2").arg(t, p->servers.value(t).error);
    if (failed.isEmpty()) {
        forEachTarget(
            p, QStringLiteral("config.finish"), [](const QString&) { return true; },
            [this, p] {
                end(p, {{"uploaded", true},
                        {"message", QString()},
                        {"afterUpload", p->afterUpload},
                        {"changes", changesJson(p->decision)}});
            });
        return;
    }
    // All or none: the servers that took it go back (a failed one kept or restored its old files).
    forEachTarget(
        p, QStringLiteral("config.rollback"), [](const QString&) { return true; },
        [this, p, failed] {
            QStringList notBack;
            for (const auto& t : p->targets)
                if (!p->servers.value(t).rolledBack)
                    notBack << t;
            QString message = QStringLiteral("The upload failed and was rolled back: %1")
                                  .arg(failed.join(QStringLiteral("; ")));
            if (!notBack.isEmpty())
                message += QStringLiteral(" (could not roll back %1: check its configuration)")
                               .arg(notBack.join(QStringLiteral(", ")));
            service_.alerts().error(QStringLiteral("cfmgr"), cfalert::Cancelled, message);
            end(p, {{"uploaded", false}, {"reason", "failed"}, {"message", message}});
        });
}

void ConfigDistributor::end(const std::shared_ptr<Push>& p, QJsonObject result) {
    QJsonArray servers;
    for (const auto& t : p->targets) {
        const auto s = p->servers.value(t);
        servers.append(QJsonObject{{"name", t},
                                   {"staged", s.staged},
                                   {"committed", s.committed},
                                   {"rolledBack", s.rolledBack},
                                   {"error", s.error}});
    }
    result.insert("servers", servers);
    result.insert("operation", p->operation);
    p->responder.reply(result);
    if (push_ == p)
        push_.reset();
}

// ---- this server's part ----------------------------------------------------------------

void ConfigDistributor::participate(const QString& method, const QJsonObject& params,
                                    const QString& from, Result done) {
    const QString token = params.value("token").toString();
    QString error;
    if (method == QLatin1String("config.stage")) {
        QJsonObject result;
        const bool ok = stage(params, from, &result, &error);
        done(ok, result, error);
    } else if (method == QLatin1String("config.commit")) {
        const bool ok = commit(token, &error);
        done(ok, {}, error);
    } else if (method == QLatin1String("config.rollback")) {
        const bool ok = rollback(token, &error);
        done(ok, {}, error);
    } else if (method == QLatin1String("config.abort")) {
        abort(token);
        done(true, {}, {});
    } else {
        finish(token);
        done(true, {}, {});
    }
}

bool ConfigDistributor::stage(const QJsonObject& params, const QString& from, QJsonObject* result,
                              QString* error) {
    const QString token = params.value("token").toString();
    if (staged_ && staged_->token != token) {
        if (staged_->coordinator != from) {
            *error = QStringLiteral("another upload (from %1) is in progress on %2")
                         .arg(staged_->coordinator, service_.localServer());
            return false;
        }
        // Its coordinator runs one push at a time: the earlier one is over (its last word lost).
        if (!staged_->applied)
            staging_.abort(staged_->token);
        finish(staged_->token);
    }
    const auto package = config::ConfigPackage::fromJson(params.value("package").toObject(), error);
    if (!package)
        return false;
    auto loaded = config::parseConfig(package->conf, QStringLiteral("clp.conf"));
    if (!loaded.ok()) {
        *error = QStringLiteral("the configuration has errors: %1")
                     .arg(loaded.diagnostics.texts().value(0));
        return false;
    }
    if (!loaded.config.server(service_.localServer())) {
        *error = QStringLiteral("this server (%1) is not in the configuration")
                     .arg(service_.localServer());
        return false;
    }
    if (!staging_.stage(token, *package, error))
        return false;
    staged_ = Staged{token, from, false};
    expiry_.start(kStagedLifetimeMs);
    service_.beginConfigTransition(loaded.document->contentHash());

    // What the coordinator needs to decide: this server's state, and its own verdict.
    const auto state = service_.localApplyState();
    QStringList active;
    for (const auto& g : service_.config().groups)
        if (!state.stoppedGroups.contains(g.name))
            active << g.name;
    const auto decision = policy::decideApply(service_.config(), loaded.config,
                                              &service_.document(), &*loaded.document);
    *result = {{"state", clusterStateName(service_.state())},
               {"hash", QString::fromLatin1(service_.configHash().toHex())},
               {"suspendedMonitors", QJsonArray::fromStringList(state.suspendedMonitors)},
               {"activeGroups", QJsonArray::fromStringList(active)},
               {"check", checkJson(decision, policy::checkApplyState(decision, state))}};
    return true;
}

bool ConfigDistributor::commit(const QString& token, QString* error) {
    if (!staged_ || staged_->token != token) {
        if (staging_.committedToken() == token && !token.isEmpty())
            return true; // a repeated commit
        *error =
            QStringLiteral("nothing is staged for this upload on %1").arg(service_.localServer());
        return false;
    }
    if (staged_->applied)
        return true;
    auto loaded = config::loadConfig(staging_.stagedConfigFile());
    if (!loaded.ok()) {
        *error = QStringLiteral("the staged configuration cannot be read back: %1")
                     .arg(loaded.diagnostics.texts().value(0));
        return false;
    }
    // The coordinator checked the state a moment ago; it may have changed since.
    const auto decision = policy::decideApply(service_.config(), loaded.config,
                                              &service_.document(), &*loaded.document);
    const auto check = policy::checkApplyState(decision, service_.localApplyState());
    if (!check.allowed) {
        *error = QStringLiteral("the state of %1 changed: %2")
                     .arg(service_.localServer(), check.message);
        return false;
    }
    if (!staging_.commit(token, error))
        return false;
    const QByteArray before = service_.configHash();
    service_.applyConfig(std::move(loaded.config), std::move(*loaded.document));
    staged_->applied = true;
    service_.alerts().info(
        QStringLiteral("cfmgr"), cfalert::Uploaded,
        QStringLiteral("The configuration uploaded from %1 is in use (%2, was %3; %4).")
            .arg(staged_->coordinator, shortHash(service_.configHash()), shortHash(before),
                 policy::applyOperationName(decision.operation)));
    return true;
}

bool ConfigDistributor::rollback(const QString& token, QString* error) {
    const bool applied = staged_ && staged_->token == token && staged_->applied;
    if (!staging_.rollback(token, error))
        return false;
    if (applied) {
        auto loaded = config::loadConfig(service_.paths().configFile());
        if (!loaded.ok()) {
            *error = QStringLiteral("the previous configuration cannot be read back: %1")
                         .arg(loaded.diagnostics.texts().value(0));
            return false;
        }
        service_.applyConfig(std::move(loaded.config), std::move(*loaded.document));
        service_.alerts().warning(
            QStringLiteral("cfmgr"), cfalert::Cancelled,
            QStringLiteral("The configuration uploaded from %1 was rolled back: the "
                           "upload failed on another server; %2 is in use again.")
                .arg(staged_->coordinator, shortHash(service_.configHash())));
    }
    finish(token);
    return true;
}

void ConfigDistributor::abort(const QString& token) {
    staging_.abort(token);
    finish(token);
}

void ConfigDistributor::finish(const QString& token) {
    if (!staged_ || staged_->token != token)
        return;
    staged_.reset();
    expiry_.stop();
    service_.endConfigTransition();
}

// The coordinator fell silent: an uncommitted push is dropped; a committed one stays (the
// configuration check between the servers reports any server that did not get it).
void ConfigDistributor::expire() {
    if (!staged_)
        return;
    const Staged s = *staged_;
    if (!s.applied)
        staging_.abort(s.token);
    service_.alerts().warning(QStringLiteral("cfmgr"), cfalert::Cancelled,
                              QStringLiteral("The upload from %1 did not finish within %2 s; %3.")
                                  .arg(s.coordinator)
                                  .arg(kStagedLifetimeMs / 1000)
                                  .arg(s.applied
                                           ? QStringLiteral("its configuration stays in use here")
                                           : QStringLiteral("it was dropped here")));
    finish(s.token);
}

} // namespace lifeline::daemon
