#include "NameRules.h"

namespace lifeline::builder {

QString uniqueName(const QString& prefix, const config::ClusterConfig& config) {
    for (int n = 1;; ++n) {
        const QString name = prefix + QString::number(n);
        if (!config.group(name) && !config.resource(name) && !config.monitor(name))
            return name;
    }
}

} // namespace lifeline::builder
