#include "Discovery.h"

#include <QJsonArray>
#include <QNetworkInterface>

#include <libudev.h>

#include <memory>

namespace lifeline::daemon {

namespace {

QString text(const char* s) { return s ? QString::fromUtf8(s) : QString(); }

} // namespace

QJsonObject Discovery::collect() {
    return {{"nics", nics()}, {"disks", disks()}};
}

QJsonArray Discovery::nics() {
    QJsonArray list;
    for (const auto& nic : QNetworkInterface::allInterfaces()) {
        QJsonArray addresses;
        for (const auto& a : nic.addressEntries()) {
            QHostAddress ip = a.ip();
            ip.setScopeId(QString()); // fe80::1%eth0: the interface is the row already
            addresses.append(QStringLiteral("%1/%2").arg(ip.toString()).arg(a.prefixLength()));
        }
        const auto flags = nic.flags();
        list.append(QJsonObject{{"name", nic.name()},
                                {"mac", nic.hardwareAddress().toLower()},
                                {"up", flags.testFlag(QNetworkInterface::IsUp)},
                                {"loopback", flags.testFlag(QNetworkInterface::IsLoopBack)},
                                {"addresses", addresses}});
    }
    return list;
}

QJsonArray Discovery::disks() {
    QJsonArray list;
    std::unique_ptr<udev, decltype(&udev_unref)> u(udev_new(), udev_unref);
    if (!u)
        return list;
    std::unique_ptr<udev_enumerate, decltype(&udev_enumerate_unref)> e(udev_enumerate_new(u.get()),
                                                                        udev_enumerate_unref);
    udev_enumerate_add_match_subsystem(e.get(), "block");
    udev_enumerate_scan_devices(e.get());
    udev_list_entry* entry = nullptr;
    udev_list_entry_foreach(entry, udev_enumerate_get_list_entry(e.get())) {
        std::unique_ptr<udev_device, decltype(&udev_device_unref)> d(
            udev_device_new_from_syspath(u.get(), udev_list_entry_get_name(entry)), udev_device_unref);
        if (!d || !udev_device_get_devnode(d.get()))
            continue;
        // "size" counts 512-byte sectors whatever the device's block size.
        const qint64 size = text(udev_device_get_sysattr_value(d.get(), "size")).toLongLong() * 512;
        if (size == 0) // an unused loop device, an empty drive
            continue;
        const auto property = [&d](const char* key) {
            return text(udev_device_get_property_value(d.get(), key));
        };
        list.append(QJsonObject{
            {"name", text(udev_device_get_sysname(d.get()))},
            {"node", text(udev_device_get_devnode(d.get()))},
            {"size", size},
            {"type", text(udev_device_get_devtype(d.get()))}, // disk, partition
            {"readOnly", text(udev_device_get_sysattr_value(d.get(), "ro")) == QLatin1String("1")},
            {"fsType", property("ID_FS_TYPE")},
            {"label", property("ID_FS_LABEL")},
            {"uuid", property("ID_FS_UUID")},
            {"model", property("ID_MODEL")}});
    }
    return list;
}

} // namespace lifeline::daemon
