#pragma once

#include <QList>
#include <QString>
#include <QStringList>

#include <cstdint>
#include <optional>

namespace lifeline::resources {

// IPv4 addresses of this host through rtnetlink (NETLINK_ROUTE): RTM_GETADDR
// dump, RTM_NEWADDR, RTM_DELADDR. Each call opens its own socket and waits for
// the kernel's answer, which it gives synchronously (microseconds; bounded by a
// 1 s receive timeout so a broken kernel path cannot hang the event loop).
// Addresses are in host byte order.
class Netlink {
public:
    struct Ipv4Address {
        int ifindex = 0;
        QString ifname;
        uint32_t address = 0;  // IFA_LOCAL (host order)
        int prefixLength = 0;
        bool secondary = false; // IFA_F_SECONDARY

        // Does this address's subnet contain `other`? (/32 contains only itself.)
        bool subnetContains(uint32_t other) const;
    };

    // Every IPv4 address on every interface; nullopt (and *error) on failure.
    static std::optional<QList<Ipv4Address>> ipv4Addresses(QString* error);
    // Adds address/prefixLength (broadcast derived as "brd +" does) on ifindex.
    static bool addIpv4(int ifindex, uint32_t address, int prefixLength, QString* error);
    // Removes it; an address that is not there is reported as an error (ENOENT /
    // EADDRNOTAVAIL): callers check presence first.
    static bool deleteIpv4(int ifindex, uint32_t address, int prefixLength, QString* error);

    // Interfaces that carry `address` (any prefix); nullopt (and *error) when
    // the addresses cannot be listed.
    static std::optional<QStringList> interfacesWithIpv4(uint32_t address, QString* error);
    // Removes `address` from every interface that carries it; *removedFrom
    // lists them (empty: it was nowhere). false and *error on the first failure.
    static bool removeIpv4Everywhere(uint32_t address, QStringList* removedFrom, QString* error);

    static QString formatIpv4(uint32_t address);
    static std::optional<uint32_t> parseIpv4(const QString& text);
};

} // namespace lifeline::resources
