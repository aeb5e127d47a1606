#include "ConfigCheck.h"

#include "ConfigReader.h"
#include "ConfigWriter.h"

namespace lifeline::builder {

using namespace config;

std::optional<QByteArray> configBytes(const ClusterConfig& config, const ConfigDocument* base,
                                      QString* error) {
    // QDomDocument copies share their tree: work on a parsed copy, never on `base`.
    std::optional<ConfigDocument> document;
    if (base) {
        Diagnostics ignored;
        if (const auto bytes = base->serialize())
            document = ConfigDocument::parse(*bytes, QStringLiteral("clp.conf"), ignored);
    }
    if (!document)
        document = ConfigDocument::create();
    writeConfig(config, *document);
    return document->serialize(error);
}

Diagnostics checkConfig(const ClusterConfig& config, const ConfigDocument* base,
                        const QList<ConfigPackage::File>& scripts) {
    QString why;
    const auto bytes = configBytes(config, base, &why);
    if (!bytes) {
        Diagnostics diagnostics;
        diagnostics.error(QString(), why);
        return diagnostics;
    }
    auto loaded = parseConfig(*bytes, QStringLiteral("clp.conf"));
    if (loaded.document)
        ConfigPackage{*bytes, scripts}.checkScripts(loaded.config, loaded.diagnostics);
    return loaded.diagnostics;
}

} // namespace lifeline::builder
