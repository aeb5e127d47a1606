#pragma once

#include <QByteArray>
#include <QList>
#include <QtGlobal>

namespace lifeline::hb {

// The framing of datagrams on a byte stream (comhb's serial line), described in README.md:
//
//     7E A5 | length (2, big-endian) | ~length (2) | payload | CRC-32 of length…payload (4)
//
// A serial line delivers bytes, not messages, and may lose, corrupt or add some (a cable
// plugged in mid-frame, line noise), so the decoder looks for the start bytes, checks the
// header and the CRC, and after anything that fails starts over one byte after the rejected
// start: a frame that begins inside garbage or a cut-off frame is still found. A frame whose
// end has not come yet but that is followed by a whole good frame was cut off: it is given up
// at once instead of holding the good one back until enough bytes arrive.
class ComFrameCodec {
public:
    static constexpr char kSync0 = char(0x7E);
    static constexpr char kSync1 = char(0xA5);
    static constexpr int kHeaderBytes = 6;
    static constexpr int kTrailerBytes = 4;
    static constexpr int kOverheadBytes = kHeaderBytes + kTrailerBytes;
    static constexpr int kMaxPayloadBytes = 1024; // a heartbeat packet is at most 599 bytes

    struct Counters {
        quint64 frames = 0;         // good frames decoded
        quint64 checksumErrors = 0; // a well-formed header whose CRC did not match
        quint64 cutOff = 0;         // a frame cut short: a whole frame came before its end
        quint64 discardedBytes = 0; // bytes skipped while looking for a frame (garbage, cut-offs)
    };

    // The frame of `payload` (1 … kMaxPayloadBytes bytes); empty when out of range.
    static QByteArray encode(const QByteArray& payload);
    // CRC-32 as in IEEE 802.3 and zlib (reflected, polynomial 0xEDB88320, init and xor ~0).
    static quint32 crc32(const char* data, qsizetype size);

    // Appends received bytes and returns the payloads of every frame they complete.
    QList<QByteArray> feed(const QByteArray& bytes);
    // Forgets a partial frame (the line was closed).
    void reset();
    // Bytes waiting for the rest of a frame.
    qsizetype buffered() const { return buffer_.size() - start_; }
    const Counters& counters() const { return counters_; }

private:
    void discard(qsizetype bytes);
    // Where the first complete frame with a good CRC at or after `from` starts, or -1.
    qsizetype nextCompleteFrame(qsizetype from) const;

    QByteArray buffer_;
    qsizetype start_ = 0; // first byte not yet consumed
    Counters counters_;
};

} // namespace lifeline::hb
