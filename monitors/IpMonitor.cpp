#include "IpMonitor.h"

#include "PingProber.h"

namespace lifeline::monitors {

IpMonitor::IpMonitor(MonitorContext context, QObject* parent) : MonitorDriver(std::move(context), parent) {}

IpMonitor::~IpMonitor() = default;

int IpMonitor::waitMs() const { return qBound(100, context().timeoutMs() / 2, 5000); }

void IpMonitor::dropProber() {
    // May run inside the prober's own callback: delete it later.
    if (prober_)
        prober_.release()->deleteLater();
}

void IpMonitor::check(Done done) {
    dropProber();
    pending_.begin(std::move(done));
    const QStringList texts = listParameter(context().monitor, QStringLiteral("ip"));
    QList<QHostAddress> targets;
    for (const QString& text : texts) {
        const QHostAddress address(text);
        if (address.isNull()) {
            pending_.finish(CheckResult::Error, QStringLiteral("\"%1\" is not an IP address").arg(text));
            return;
        }
        targets << address;
    }
    if (targets.isEmpty()) {
        pending_.finish(CheckResult::Error, QStringLiteral("no address to ping (parameters list/ip)"));
        return;
    }
    // The prober's own periodic pings and retry count do not matter here: only
    // the fresh burst of checkNow() decides.
    prober_ = std::make_unique<np::PingProber>(targets, waitMs(), waitMs(), 1);
    QString error;
    if (!prober_->start(&error)) {
        pending_.finish(CheckResult::Warning, QStringLiteral("cannot send ICMP echo: %1").arg(error));
        return;
    }
    const QString list = texts.join(QLatin1String(", "));
    prober_->checkNow(waitMs(), [this, generation = pending_.generation(), list](bool answered) {
        if (generation != pending_.generation())
            return;
        dropProber();
        if (answered)
            pending_.finish(CheckResult::Normal, QStringLiteral("answered: one of %1").arg(list));
        else
            pending_.finish(CheckResult::Error,
                            QStringLiteral("no answer from %1 within %2 ms").arg(list).arg(waitMs()));
    });
}

void IpMonitor::cancel() {
    pending_.cancel();
    dropProber();
}

} // namespace lifeline::monitors
