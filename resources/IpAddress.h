#pragma once

#include "ResourceDriver.h"

#include <cstdint>

namespace lifeline::resources::ipaddress {

// What the address resources (fip, vip) share: is the configured address on
// this server, and taking it off again. `text` is the "ip" parameter as
// configured, used in reasons.

// Online when an interface carries the address, Offline when none does, Error
// when `text` is not an IPv4 address or the addresses cannot be listed.
ResourceState observe(const QString& text, QString* reason);

// Deactivation: removes the address from every interface that carries it (an
// absent address is fine). *reason says where it was removed from, or why not.
bool remove(uint32_t address, const QString& text, QString* reason);

} // namespace lifeline::resources::ipaddress
