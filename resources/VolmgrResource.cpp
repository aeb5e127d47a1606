#include "VolmgrResource.h"

#include <QPointer>
#include <QRegularExpression>

namespace lifeline::resources {

VolmgrResource::VolmgrResource(ResourceContext context, QObject* parent)
    : VolmgrResource(std::move(context), nullptr, parent) {}

VolmgrResource::VolmgrResource(ResourceContext context, std::unique_ptr<CommandRunner> runner, QObject* parent)
    : ResourceDriver(std::move(context), parent), runner_(std::move(runner)) {
    if (!runner_) {
        // The daemon's own descriptors are none of LVM's business.
        QProcessEnvironment extra;
        extra.insert(QStringLiteral("LVM_SUPPRESS_FD_WARNINGS"), QStringLiteral("1"));
        runner_ = std::make_unique<ProcessCommandRunner>(extra);
    }
    vgs_ = this->context().resource.param(QStringLiteral("devname"))
               .split(QRegularExpression(QStringLiteral("[,\\s]+")), Qt::SkipEmptyParts);
    stateReason_ = QStringLiteral("not activated by this server");
}

VolmgrResource::~VolmgrResource() = default;

QString VolmgrResource::lvmConfig(const QString& localServer, const QString& formerOwner) {
    QString local = QStringLiteral("system_id = \"%1\"").arg(localServer);
    if (!formerOwner.isEmpty())
        local += QStringLiteral(" extra_system_ids = [ \"%1\" ]").arg(formerOwner);
    return QStringLiteral("global { system_id_source = \"lvmlocal\" } local { %1 }").arg(local);
}

QStringList VolmgrResource::lvm(const QString& command, const QStringList& args, const QString& formerOwner) const {
    return QStringList{command, QStringLiteral("--config"), lvmConfig(context().localServer, formerOwner)} + args;
}

bool VolmgrResource::checkSettings(QString* reason) {
    const auto& r = context().resource;
    const QString type = r.param(QStringLiteral("type"));
    if (type != QLatin1String("lvm")) {
        *reason = QStringLiteral("volmgr %1: volume manager %2 is not supported by Lifeline (use lvm)").arg(r.name, type);
        return false;
    }
    if (vgs_.isEmpty()) {
        *reason = QStringLiteral("volmgr %1: no volume group (parameter devname)").arg(r.name);
        return false;
    }
    // Names go into an LVM config string: keep them to what LVM and hosts use.
    static const QRegularExpression safe(QStringLiteral("^[A-Za-z0-9_.+-]+$"));
    if (!safe.match(context().localServer).hasMatch()) {
        *reason = QStringLiteral("volmgr %1: server name \"%2\" cannot be an LVM system ID")
                      .arg(r.name, context().localServer);
        return false;
    }
    return true;
}

void VolmgrResource::activate(ResourceEvent, Done done) {
    if (activating_ || deactivating_) {
        done(false, QStringLiteral("volmgr %1 is busy with an earlier request").arg(context().resource.name));
        return;
    }
    QString reason;
    if (!checkSettings(&reason)) {
        state_ = ResourceState::Error;
        stateReason_ = reason;
        done(false, reason);
        return;
    }
    activating_ = true;
    done_ = std::move(done);
    activateFrom(0);
}

void VolmgrResource::activateFrom(int index) {
    if (pendingDeactivation_) {
        finish(false, QStringLiteral("activation of %1 cancelled by deactivation").arg(vgs_.join(u',')));
        return;
    }
    if (index == vgs_.size()) {
        finish(true, QStringLiteral("volume group %1 active (system ID %2)")
                         .arg(vgs_.join(QStringLiteral(", ")), context().localServer));
        return;
    }
    const QString vg = vgs_.at(index);
    const QStringList command =
        lvm(QStringLiteral("vgs"), {"--noheadings", "--foreign", "-o", "vg_systemid", vg});
    runner_->run(command, context().resource.actTimeoutMs, [this, index, vg, command](const CommandRunner::Result& r) {
        if (!r.ok()) {
            finish(false, QStringLiteral("cannot read the owner of volume group %1: %2").arg(vg, r.describe(command)));
            return;
        }
        const QString owner = r.output.trimmed();
        const QString& local = context().localServer;
        if (owner == local) {
            enable(index);
            return;
        }
        const bool clusterServer = context().config && context().config->server(owner);
        if (!owner.isEmpty() && !clusterServer) {
            finish(false, QStringLiteral("volume group %1 belongs to host \"%2\", which is not a server of this "
                                         "cluster; it is not taken over")
                              .arg(vg, owner));
            return;
        }
        const QStringList takeOver = lvm(QStringLiteral("vgchange"), {"-y", "--systemid", local, vg}, owner);
        runner_->run(takeOver, context().resource.actTimeoutMs,
                     [this, index, vg, owner, takeOver](const CommandRunner::Result& r2) {
                         if (!r2.ok()) {
                             finish(false, QStringLiteral("cannot take volume group %1 over%2: %3")
                                               .arg(vg, owner.isEmpty() ? QString() : " from " + owner,
                                                    r2.describe(takeOver)));
                             return;
                         }
                         enable(index);
                     });
    });
}

void VolmgrResource::enable(int index) {
    const QString vg = vgs_.at(index);
    const QStringList command = lvm(QStringLiteral("vgchange"), {"-ay", vg});
    runner_->run(command, context().resource.actTimeoutMs, [this, index, vg, command](const CommandRunner::Result& r) {
        if (!r.ok()) {
            finish(false, QStringLiteral("cannot activate volume group %1: %2").arg(vg, r.describe(command)));
            return;
        }
        activateFrom(index + 1);
    });
}

void VolmgrResource::deactivate(ResourceEvent, Done done) {
    if (deactivating_ || pendingDeactivation_) {
        done(false, QStringLiteral("deactivation of volmgr %1 is already in progress").arg(context().resource.name));
        return;
    }
    if (activating_) {
        pendingDeactivation_ = std::move(done); // runs once the current command is over
        return;
    }
    QString reason;
    if (!checkSettings(&reason)) {
        done(false, reason);
        return;
    }
    deactivating_ = true;
    done_ = std::move(done);
    deactivateFrom(int(vgs_.size()) - 1);
}

void VolmgrResource::deactivateFrom(int index) {
    if (index < 0) {
        finish(true, QStringLiteral("volume group %1 inactive").arg(vgs_.join(QStringLiteral(", "))));
        return;
    }
    const QString vg = vgs_.at(index);
    const QStringList command = lvm(QStringLiteral("vgchange"), {"-an", vg});
    runner_->run(command, context().resource.deactTimeoutMs, [this, index, vg, command](const CommandRunner::Result& r) {
        if (!r.ok()) {
            finish(false, QStringLiteral("cannot deactivate volume group %1: %2").arg(vg, r.describe(command)));
            return;
        }
        deactivateFrom(index - 1);
    });
}

void VolmgrResource::finish(bool ok, const QString& reason) {
    const bool wasActivation = activating_;
    activating_ = deactivating_ = false;
    if (ok)
        state_ = wasActivation ? ResourceState::Online : ResourceState::Offline;
    else
        state_ = ResourceState::Error;
    stateReason_ = reason;
    Done done = std::move(done_);
    done_ = nullptr;
    Done deactivation = std::move(pendingDeactivation_);
    pendingDeactivation_ = nullptr;
    if (deactivation) {
        // Report the activation, then deactivate (unless `done` deleted us).
        QPointer<VolmgrResource> self(this);
        done(ok, reason);
        if (self)
            self->deactivate(ResourceEvent::Stop, std::move(deactivation));
        else
            deactivation(false, QStringLiteral("the driver was destroyed before the deactivation"));
        return;
    }
    done(ok, reason); // last: the callback may delete this driver
}

ResourceState VolmgrResource::observe(QString* reason) const {
    if (reason)
        *reason = stateReason_;
    return state_;
}

} // namespace lifeline::resources
