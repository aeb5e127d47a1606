#include "ComFrameCodec.h"

#include <array>

namespace lifeline::hb {

namespace {

constexpr std::array<quint32, 256> makeCrcTable() {
    std::array<quint32, 256> table{};
    for (quint32 i = 0; i < 256; ++i) {
        quint32 c = i;
        for (int k = 0; k < 8; ++k)
            c = (c & 1) ? 0xEDB88320u ^ (c >> 1) : c >> 1;
        table[i] = c;
    }
    return table;
}

constexpr auto kCrcTable = makeCrcTable();

quint16 readU16(const char* p) {
    return quint16((quint8(p[0]) << 8) | quint8(p[1]));
}

quint32 readU32(const char* p) {
    return (quint32(quint8(p[0])) << 24) | (quint32(quint8(p[1])) << 16) |
           (quint32(quint8(p[2])) << 8) | quint32(quint8(p[3]));
}

// The payload length announced by the header at `p` (kHeaderBytes available), or 0 when
// these bytes are no header.
int headerLength(const char* p) {
    if (p[0] != ComFrameCodec::kSync0 || p[1] != ComFrameCodec::kSync1)
        return 0;
    const quint16 length = readU16(p + 2);
    if (length == 0 || length > ComFrameCodec::kMaxPayloadBytes ||
        quint16(~readU16(p + 4)) != length)
        return 0;
    return length;
}

void appendU16(QByteArray& out, quint16 v) {
    out.append(char(v >> 8));
    out.append(char(v & 0xFF));
}

} // namespace

quint32 ComFrameCodec::crc32(const char* data, qsizetype size) {
    quint32 c = 0xFFFFFFFFu;
    for (qsizetype i = 0; i < size; ++i)
        c = kCrcTable[(c ^ quint8(data[i])) & 0xFF] ^ (c >> 8);
    return c ^ 0xFFFFFFFFu;
}

QByteArray ComFrameCodec::encode(const QByteArray& payload) {
    if (payload.isEmpty() || payload.size() > kMaxPayloadBytes)
        return {};
    QByteArray frame;
    frame.reserve(payload.size() + kOverheadBytes);
    frame.append(kSync0);
    frame.append(kSync1);
    appendU16(frame, quint16(payload.size()));
    appendU16(frame, quint16(~quint16(payload.size())));
    frame.append(payload);
    const quint32 crc = crc32(frame.constData() + 2, frame.size() - 2);
    appendU16(frame, quint16(crc >> 16));
    appendU16(frame, quint16(crc & 0xFFFF));
    return frame;
}

void ComFrameCodec::reset() {
    counters_.discardedBytes += quint64(buffered());
    buffer_.clear();
    start_ = 0;
}

void ComFrameCodec::discard(qsizetype bytes) {
    start_ += bytes;
    counters_.discardedBytes += quint64(bytes);
}

qsizetype ComFrameCodec::nextCompleteFrame(qsizetype from) const {
    for (qsizetype pos = buffer_.indexOf(kSync0, from); pos >= 0;
         pos = buffer_.indexOf(kSync0, pos + 1)) {
        const qsizetype available = buffer_.size() - pos;
        if (available < kHeaderBytes)
            return -1;
        const char* p = buffer_.constData() + pos;
        const int length = headerLength(p);
        if (length == 0 || available < kOverheadBytes + length)
            continue;
        if (crc32(p + 2, kHeaderBytes - 2 + length) == readU32(p + kHeaderBytes + length))
            return pos;
    }
    return -1;
}

QList<QByteArray> ComFrameCodec::feed(const QByteArray& bytes) {
    QList<QByteArray> payloads;
    buffer_.append(bytes);
    for (;;) {
        // Skip to the next start byte.
        const qsizetype sync = buffer_.indexOf(kSync0, start_);
        if (sync < 0) {
            discard(buffer_.size() - start_);
            break;
        }
        discard(sync - start_);
        const qsizetype available = buffer_.size() - start_;
        const char* p = buffer_.constData() + start_;
        if (available < 2)
            break;
        if (p[1] != kSync1) {
            discard(1);
            continue;
        }
        if (available < kHeaderBytes)
            break;
        const int length = headerLength(p);
        if (length == 0) {
            discard(1); // not a header: garbage that happens to hold the start bytes
            continue;
        }
        if (available < kOverheadBytes + length) {
            const qsizetype next = nextCompleteFrame(start_ + 1);
            if (next < 0)
                break; // wait for the rest
            ++counters_.cutOff;
            discard(next - start_);
            continue;
        }
        const quint32 expected = readU32(p + kHeaderBytes + length);
        if (crc32(p + 2, kHeaderBytes - 2 + length) != expected) {
            // A corrupt frame, or a cut-off one whose tail is the next frame: look again
            // from the next byte, so that a frame inside it is not lost.
            ++counters_.checksumErrors;
            discard(1);
            continue;
        }
        payloads << QByteArray(p + kHeaderBytes, length);
        ++counters_.frames;
        start_ += kOverheadBytes + length;
    }
    // Keep the buffer small: drop what was consumed.
    if (start_ > 0) {
        buffer_.remove(0, start_);
        start_ = 0;
    }
    return payloads;
}

} // namespace lifeline::hb
