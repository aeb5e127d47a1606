#pragma once

#include <QJsonArray>
#include <QJsonObject>

namespace lifeline::daemon {

// What the Builder's "Discover…" lists for a server: its network interfaces (the kernel's
// view through QNetworkInterface: rtnetlink) and block devices (libudev: sysfs plus udev's
// database for file system type, label and UUID; containers without udevd have no database,
// the fields are then empty). Read-only and quick (no device is opened).
//
//   {"nics": [{"name", "mac", "up", "loopback", "addresses": ["198.18.0.11/24", ...]}],
//    "disks": [{"name", "node", "size", "type", "readOnly", "fsType", "label", "uuid", "model"}]}
class Discovery {
public:
    static QJsonObject collect();
    static QJsonArray nics();
    static QJsonArray disks();
};

} // namespace lifeline::daemon
