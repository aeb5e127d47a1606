#include "VolmgrMonitor.h"

#include "CommandRunner.h"

#include <QFileInfo>
#include <QRegularExpression>
#include <QStandardPaths>

namespace lifeline::monitors {

using resources::CommandRunner;
using resources::ProcessCommandRunner;

VolmgrMonitor::VolmgrMonitor(MonitorContext context, QObject* parent) : MonitorDriver(std::move(context), parent) {}

VolmgrMonitor::~VolmgrMonitor() = default;

void VolmgrMonitor::cancel() {
    pending_.cancel();
    // May run inside a callback of the runner: delete it later; its child is killed then.
    if (runner_)
        runner_.release()->deleteLater();
}

// vg_attr (lvm(8) vgs): [0] w/r permissions, [1] resizeable, [2] x = exported,
// [3] p = partial (a physical volume is missing), [4] allocation, [5] clustered.
static QString vgProblem(const QString& vg, const QString& attr) {
    if (attr.size() < 4)
        return QStringLiteral("%1: unexpected vg_attr \"%2\"").arg(vg, attr);
    if (attr.at(2) == u'x')
        return QStringLiteral("%1 is exported").arg(vg);
    if (attr.at(3) == u'p')
        return QStringLiteral("%1 is partial: a physical volume is missing").arg(vg);
    return {};
}

void VolmgrMonitor::check(Done done) {
    cancel();
    pending_.begin(std::move(done));
    const auto& m = context().monitor;
    const QString type = m.param(QStringLiteral("type")).trimmed();
    if (type != QLatin1String("lvm")) {
        pending_.finish(CheckResult::Warning, QStringLiteral("volume manager %1 is not supported").arg(type));
        return;
    }
    const QStringList vgs = m.param(QStringLiteral("devname")).split(QRegularExpression(QStringLiteral("[,\\s]+")),
                                                                     Qt::SkipEmptyParts);
    if (vgs.isEmpty()) {
        pending_.finish(CheckResult::Error, QStringLiteral("no volume group (devname)"));
        return;
    }
    if (!QFileInfo::exists(QLatin1String(kMapperControl)) ||
        QStandardPaths::findExecutable(QStringLiteral("vgs")).isEmpty()) {
        pending_.finish(CheckResult::Warning, QStringLiteral("device-mapper is not available on this machine"));
        return;
    }
    const QStringList command = QStringList{QStringLiteral("vgs"), QStringLiteral("--noheadings"),
                                            QStringLiteral("--separator"), QStringLiteral("|"),
                                            QStringLiteral("-o"), QStringLiteral("vg_name,vg_attr")} + vgs;
    runner_ = std::make_unique<ProcessCommandRunner>();
    // No timeout of our own: the scheduler's ends the check through cancel().
    runner_->run(command, 0, [this, command, vgs, generation = pending_.generation()](const CommandRunner::Result& r) {
        if (generation != pending_.generation())
            return;
        if (!r.ok()) { // e.g. "Volume group "vg1" not found"
            pending_.finish(CheckResult::Error, r.describe(command));
            return;
        }
        QStringList missing = vgs;
        QStringList problems;
        for (const QString& line : r.output.split(u'\n', Qt::SkipEmptyParts)) {
            const QStringList fields = line.trimmed().split(u'|');
            if (fields.size() < 2)
                continue;
            missing.removeAll(fields.at(0));
            const QString problem = vgProblem(fields.at(0), fields.at(1).trimmed());
            if (!problem.isEmpty())
                problems << problem;
        }
        for (const QString& vg : std::as_const(missing))
            problems << QStringLiteral("%1 is not known here").arg(vg);
        if (problems.isEmpty())
            pending_.finish(CheckResult::Normal, QStringLiteral("%1 active").arg(vgs.join(QLatin1String(", "))));
        else
            pending_.finish(CheckResult::Error, problems.join(QLatin1String("; ")));
    });
}

} // namespace lifeline::monitors
