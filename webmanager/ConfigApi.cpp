#include "ConfigApi.h"

#include "ApiRouter.h"

#include "ConfigPackage.h"
#include "PushReport.h"

namespace lifeline::webmgr {

std::optional<QJsonObject> ConfigApi::pushArgs(const QJsonObject& body, QString* error) {
    const QJsonValue configuration = body.value(QLatin1String("configuration"));
    if (!configuration.isObject()) {
        *error = QStringLiteral("the body needs \"configuration\": {\"conf\": base64 of clp.conf, "
                                "\"scripts\": [{\"path\", \"mode\", \"data\"}]}");
        return std::nullopt;
    }
    const auto package = config::ConfigPackage::fromJson(configuration.toObject(), error);
    if (!package) {
        *error = QStringLiteral("configuration: %1").arg(*error);
        return std::nullopt;
    }
    QJsonObject args = package->toJson();
    const QJsonValue server = body.value(QLatin1String("server"));
    if (!server.isUndefined() && !server.isNull()) {
        if (!server.isString() || server.toString().isEmpty()) {
            *error = QStringLiteral("\"server\" must be the name of one server");
            return std::nullopt;
        }
        args.insert("server", server);
    }
    return args;
}

ApiResponse ConfigApi::pushAnswer(const QJsonObject& result, bool oneServer) {
    const auto report = control::PushReport::of(result, oneServer);
    QJsonObject body = result;
    body.insert("progress", report.progress);
    const QString reason = result.value(QLatin1String("reason")).toString();
    int status = 200;
    if (!report.uploaded)
        status = reason == QLatin1String("invalid")       ? 400
                 : reason == QLatin1String("unreachable") ? 503
                                                          : 409;
    return ApiRouter::envelope(status, body, report.text.trimmed());
}

ApiResponse ConfigApi::pullAnswer(const QJsonObject& result) {
    QJsonObject package = result;
    const QJsonValue hash = package.take(QLatin1String("hash"));
    return ApiRouter::envelope(200, {{"configuration", package}, {"hash", hash}}, ApiRouter::kOk);
}

} // namespace lifeline::webmgr
