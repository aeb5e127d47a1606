#include "MonitorSupport.h"

#include "Netlink.h"
#include "ResourceDriver.h"

#include <QTimer>

#include <map>

namespace lifeline::monitors {

void PendingCheck::begin(MonitorDriver::Done done) {
    ++generation_;
    done_ = std::move(done);
}

void PendingCheck::finish(CheckResult result, const QString& detail) {
    if (!done_)
        return;
    QTimer::singleShot(0, owner_, [this, generation = generation_, result, detail] {
        if (generation != generation_ || !done_)
            return;
        // Cleared before the call: `done` may start the next check.
        auto done = std::move(done_);
        done_ = nullptr;
        done(result, detail);
    });
}

void PendingCheck::cancel() {
    ++generation_;
    done_ = nullptr;
}

QStringList listParameter(const config::Monitor& monitor, const QString& leaf) {
    static const QString prefix = QStringLiteral("list[");
    std::map<int, QString> byId; // numeric order: list[10] after list[9]
    for (auto it = monitor.parameters.begin(); it != monitor.parameters.end(); ++it) {
        const QString& key = it.key();
        const int close = key.indexOf(QLatin1String("]/"));
        if (!key.startsWith(prefix) || close < 0)
            continue;
        if (!leaf.isEmpty() && key.mid(close + 2) != leaf)
            continue;
        bool ok = false;
        const int id = key.mid(prefix.size(), close - prefix.size()).toInt(&ok);
        const QString value = it.value().trimmed();
        if (ok && !value.isEmpty())
            byId.emplace(id, value);
    }
    QStringList values;
    for (const auto& [id, value] : byId)
        values << value;
    return values;
}

std::optional<config::Resource> targetResource(const MonitorContext& context) {
    const QString& name = context.monitor.target;
    if (name.isEmpty())
        return std::nullopt;
    if (context.resource)
        if (const auto* driver = context.resource(name))
            return driver->context().resource;
    if (context.config)
        if (const auto* resource = context.config->resource(name))
            return *resource;
    return std::nullopt;
}

std::optional<QStringList> interfacesWithAddress(uint32_t address,
                                                 std::optional<int> prefixLength,
                                                 QString* error) {
    const auto addresses = resources::Netlink::ipv4Addresses(error);
    if (!addresses)
        return std::nullopt;
    QStringList ifnames;
    for (const auto& a : *addresses)
        if (a.address == address && (!prefixLength || a.prefixLength == *prefixLength))
            ifnames << a.ifname;
    return ifnames;
}

std::optional<TargetAddress> targetAddress(const MonitorContext& context, const QString& type,
                                           const QString& typeName, std::optional<int> prefixLength,
                                           PendingCheck& pending) {
    const auto resource = targetResource(context);
    if (!resource || resource->type != type) {
        pending.finish(CheckResult::Warning,
                       QStringLiteral("target \"%1\" is not a %2 resource").arg(context.monitor.target, typeName));
        return std::nullopt;
    }
    TargetAddress out;
    out.text = resource->param(QStringLiteral("ip")).trimmed();
    const auto address = resources::Netlink::parseIpv4(out.text);
    if (!address) {
        pending.finish(CheckResult::Error, QStringLiteral("\"%1\" is not an IPv4 address").arg(out.text));
        return std::nullopt;
    }
    QString error;
    const auto ifnames = interfacesWithAddress(*address, prefixLength, &error);
    if (!ifnames) {
        pending.finish(CheckResult::Warning, error);
        return std::nullopt;
    }
    out.ifnames = *ifnames;
    return out;
}

} // namespace lifeline::monitors
