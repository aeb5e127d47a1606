#pragma once

#include "ApiMessage.h"

#include <QJsonObject>
#include <QString>
#include <optional>

namespace lifeline::webmgr {

// The configuration endpoints in JSON terms (pure; ApiRouter sends the control requests):
//
//   GET  /api/v1/configuration        config.pull  -> {"configuration": package, "hash"}
//   POST /api/v1/configuration        config.push  <- {"configuration": package, "server"?}
//   GET  /api/v1/servers/{n}/devices  devices      -> {"server", "nics", "disks"}
//
// A package is PROTOCOL.md's {"conf": base64, "scripts": [{"path", "mode", "data"}]}.
// lifelined checks the package (clpcfchk), decides with ApplyPolicy what the change needs
// and uploads only when the cluster is in that state, exactly as for clpcfctrl --push; the
// answer's message is clpcfctrl's output (control::PushReport).
class ConfigApi {
public:
    // A request line to lifelined holds 1 MiB; a package at most 700 KiB (base64: 4/3).
    static constexpr qsizetype kMaxUploadBytes = 1000 * 1024;

    // The config.push arguments, or nothing with `error` (the package's shape, checked
    // here so that a malformed one is a 400 without a round trip).
    static std::optional<QJsonObject> pushArgs(const QJsonObject& body, QString* error);
    // 200 uploaded; 400 the configuration has errors (the message names the element);
    // 409 the cluster is not in the state the change needs (the message says which
    // operation) or a commit failed and was rolled back; 503 a server could not be staged.
    static ApiResponse pushAnswer(const QJsonObject& result, bool oneServer);
    static ApiResponse pullAnswer(const QJsonObject& result);
};

} // namespace lifeline::webmgr
