#pragma once

#include <QtGlobal>

namespace lifeline::hb {

// What happened to the datagrams of one heartbeat path since it was created. Every received
// datagram ends in exactly one of accepted, malformed, foreignCluster, forged, replayed and
// unknownSender, so they add up to received.
struct HeartbeatCounters {
    quint64 sent = 0;           // datagrams handed to the transport (one per peer per packet)
    quint64 received = 0;       // datagrams read from the transport
    quint64 accepted = 0;       // authentic, fresh packets of this cluster from the expected peer
    quint64 malformed = 0;      // wrong magic/version/lengths/field values
    quint64 foreignCluster = 0; // authentic (our key) but naming another cluster
    quint64 forged = 0;         // MAC does not verify with our key
    quint64 replayed = 0;       // seen before, too old, or of an older incarnation
    quint64 unknownSender = 0;  // source is no peer of this path, or the packet names another
};

} // namespace lifeline::hb
