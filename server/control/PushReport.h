#pragma once

#include <QJsonObject>
#include <QString>

namespace lifeline::control {

// The words of a `config.push` result (PROTOCOL.md) as clpcfctrl prints them, so that
// clpcfctrl, the WebManager's POST /api/v1/configuration and the Builder's Apply say
// the same thing:
//
//   progress  "server1: staged, committed\nserver2: not staged: <why>\n"
//   text      uploaded: "The upload is completed successfully.(cfmgr:0)\n[afterUpload\n]
//             Command succeeded.(code:0)\n" (the first line only for the whole cluster);
//             refused: the diagnostics, lifelined's message (the required operation:
//             "To apply the changes you made, suspend the cluster.") and "Command failed.\n"
struct PushReport {
    bool uploaded = false;
    QString progress;
    QString text;

    static PushReport of(const QJsonObject& result, bool oneServer);
};

} // namespace lifeline::control
