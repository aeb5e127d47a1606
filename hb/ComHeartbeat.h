#pragma once

#include "ComFrameCodec.h"
#include "HeartbeatPath.h"

#include <chrono>
#include <memory>
#include <optional>

class QSocketNotifier;
class QTimer;
struct termios;

namespace lifeline::hb {

// comhb: datagrams framed (ComFrameCodec) on a serial line between exactly two servers. The
// tty (the com device's info, "/dev/ttyS0" or any tty) is put in raw mode with the configured
// line settings and used non-blocking from the heartbeat thread: reads come through a
// QSocketNotifier, a frame that cannot be written whole at once is finished when the line
// takes more, and a frame offered while the previous one is still unfinished is dropped and
// counted. A hang-up (the other end of the line is gone: EIO, end of file, POLLHUP) closes the
// tty, emits transportFailed() once, and the tty is opened again every kReopenPeriod until it
// works (then transportRecovered()); meanwhile the peer's path goes Offline by timeout.
class ComHeartbeat : public HeartbeatPath {
    Q_OBJECT
public:
    enum class Parity { None, Even, Odd };
    struct LineSettings {
        int speed = 19200; // bits per second
        Parity parity = Parity::None;
        int stopBits = 1;
        bool rtsCts = false; // hardware flow control
        // 8 data bits always: the frames are binary.

        int bitsPerByte() const { return 1 + 8 + (parity == Parity::None ? 0 : 1) + stopBits; }
        QString describe() const; // "19200 8N1"
    };
    struct Counters {
        quint64 framesWritten = 0;
        quint64 framesDropped = 0; // the line did not take them (would block, or an error)
        quint64 hangUps = 0;       // times the tty was found hung up and closed
        quint64 openAttempts = 0;  // open() and reopen attempts
        ComFrameCodec::Counters decoder;
    };
    static constexpr std::chrono::milliseconds kReopenPeriod{1000};
    static constexpr int kMaxReadBytesPerCall = 64 * 1024; // a flood cannot hold the thread

    ComHeartbeat(const QString& name, const QString& device, const QString& peer,
                 const LineSettings& settings, QObject* parent = nullptr);
    ~ComHeartbeat() override;

    // From the configuration: this server's com device `heartbeat.deviceId`, the one other
    // server that has it, the line settings of the heartbeat's parameters.
    static std::unique_ptr<HeartbeatPath> create(const PathContext& context, QString* error);
    // The line settings of a comhb's <parameters>, or nothing with a message in `error`.
    static std::optional<LineSettings> lineSettings(const config::Heartbeat& heartbeat,
                                                    QString* error);

    // Raw mode with `settings` (and VMIN 1, VTIME 0) on `tio`; false for an unsupported speed.
    static bool applyLineSettings(termios* tio, const LineSettings& settings);

    QString type() const override { return QStringLiteral("comhb"); }
    QStringList peers() const override;
    QString localEndpoint() const override;
    QString device() const { return device_; }
    const LineSettings& settings() const { return settings_; }
    Counters counters() const;
    // The tty is open now (false between a hang-up and the reopen that works).
    bool lineUp() const { return fd_ >= 0; }

    bool open() override;
    void close() override;
    bool isOpen() const override { return opened_; }
    int send(const QByteArray& datagram) override;
    void readPending() override;

private:
    bool openLine(QString* error);
    void closeLine();
    void hangUp(const QString& why);
    void reopen();
    bool flushPending();
    void onWritable();

    QString device_;
    QString peer_;
    LineSettings settings_;
    bool opened_ = false; // open() was called and close() not since
    int fd_ = -1;
    QSocketNotifier* readNotifier_ = nullptr;
    QSocketNotifier* writeNotifier_ = nullptr;
    QTimer* reopenTimer_ = nullptr;
    QByteArray pending_; // the unwritten tail of the last frame
    ComFrameCodec codec_;
    Counters counters_;
    QString lastReopenError_;
    bool checksumErrorLogged_ = false;
};

} // namespace lifeline::hb
