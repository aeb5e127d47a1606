#include "ComHeartbeat.h"

#include "HeartbeatPacket.h"

#include <QtGlobal>
#include <QLoggingCategory>
#include <QSocketNotifier>
#include <QTimer>

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/file.h>
#include <termios.h>
#include <unistd.h>

namespace lifeline::hb {

namespace {

Q_LOGGING_CATEGORY(lcCom, "lifeline.hb.com", QtInfoMsg)

struct Speed {
    int bps;
    speed_t code;
};

// The rates the schema allows (server/config/Schema.cpp), with their termios codes.
constexpr Speed kSpeeds[] = {
    {1200, B1200},     {2400, B2400},     {4800, B4800},     {9600, B9600},
    {19200, B19200},   {38400, B38400},   {57600, B57600},   {115200, B115200},
    {230400, B230400}, {460800, B460800}, {921600, B921600},
};

std::optional<speed_t> speedCode(int bps) {
    for (const auto& s : kSpeeds)
        if (s.bps == bps)
            return s.code;
    return std::nullopt;
}

} // namespace

QString ComHeartbeat::LineSettings::describe() const {
    const char parityLetter = parity == Parity::None ? 'N' : parity == Parity::Even ? 'E' : 'O';
    return QStringLiteral("%1 8%2%3%4")
        .arg(speed)
        .arg(QLatin1Char(parityLetter))
        .arg(stopBits)
        .arg(rtsCts ? QStringLiteral(" RTS/CTS") : QString());
}

ComHeartbeat::ComHeartbeat(const QString& name, const QString& device, const QString& peer,
                           const LineSettings& settings, QObject* parent)
    : HeartbeatPath(name, parent), device_(device), peer_(peer), settings_(settings),
      reopenTimer_(new QTimer(this)) {
    reopenTimer_->setSingleShot(true);
    reopenTimer_->setInterval(kReopenPeriod);
    connect(reopenTimer_, &QTimer::timeout, this, &ComHeartbeat::reopen);
}

ComHeartbeat::~ComHeartbeat() {
    close();
}

std::optional<ComHeartbeat::LineSettings>
ComHeartbeat::lineSettings(const config::Heartbeat& heartbeat, QString* error) {
    const auto fail = [&](const QString& what) -> std::optional<LineSettings> {
        if (error)
            *error = what;
        return std::nullopt;
    };
    LineSettings settings;
    bool ok = false;
    const QString speed = heartbeat.param(QStringLiteral("speed")).trimmed();
    settings.speed = speed.toInt(&ok);
    if (!ok || !speedCode(settings.speed))
        return fail(QStringLiteral("speed \"%1\" is not a supported baud rate").arg(speed));
    const QString parity = heartbeat.param(QStringLiteral("parity")).trimmed();
    if (parity == QLatin1String("none"))
        settings.parity = Parity::None;
    else if (parity == QLatin1String("even"))
        settings.parity = Parity::Even;
    else if (parity == QLatin1String("odd"))
        settings.parity = Parity::Odd;
    else
        return fail(QStringLiteral("parity \"%1\" is not none, even or odd").arg(parity));
    const QString stopBits = heartbeat.param(QStringLiteral("stopbits")).trimmed();
    settings.stopBits = stopBits.toInt(&ok);
    if (!ok || (settings.stopBits != 1 && settings.stopBits != 2))
        return fail(QStringLiteral("stopbits \"%1\" is not 1 or 2").arg(stopBits));
    const QString flow = heartbeat.param(QStringLiteral("flow")).trimmed();
    if (flow == QLatin1String("none"))
        settings.rtsCts = false;
    else if (flow == QLatin1String("rtscts"))
        settings.rtsCts = true;
    else
        return fail(QStringLiteral("flow \"%1\" is not none or rtscts").arg(flow));
    return settings;
}

std::unique_ptr<HeartbeatPath> ComHeartbeat::create(const PathContext& context, QString* error) {
    const auto fail = [&](const QString& what) -> std::unique_ptr<HeartbeatPath> {
        if (error)
            *error = context.setupError(what);
        return nullptr;
    };
    const int deviceId = context.heartbeat.deviceId;
    QString why;
    const config::Device* device = context.localDevice(QStringLiteral("com"), &why);
    if (!device)
        return fail(why);
    if (!device->info.startsWith(QLatin1Char('/')))
        return fail(
            QStringLiteral("device %1 has no tty path (\"%2\")").arg(deviceId).arg(device->info));
    QString settingsError;
    const auto settings = lineSettings(context.heartbeat, &settingsError);
    if (!settings)
        return fail(settingsError);

    QStringList peers;
    for (const auto& server : context.config.servers) {
        if (server.name == context.localServer)
            continue;
        const config::Device* peerDevice = server.device(deviceId);
        if (peerDevice && peerDevice->type == QLatin1String("com"))
            peers << server.name;
    }
    if (peers.size() > 1)
        return fail(QStringLiteral("device %1 is also on servers %2; a serial line links exactly "
                                   "two servers")
                        .arg(deviceId)
                        .arg(peers.join(QStringLiteral(", "))));

    // One frame per interval must fit on the line, or frames queue up and are dropped.
    const int nameBytes = int(context.config.cluster.name.toUtf8().size()) +
                          int(std::max(context.localServer.toUtf8().size(),
                                       peers.isEmpty() ? 0 : peers.first().toUtf8().size()));
    const int frameBytes =
        HeartbeatPacket::kMinSize - 2 + nameBytes + ComFrameCodec::kOverheadBytes;
    const double frameMs = 1000.0 * frameBytes * settings->bitsPerByte() / settings->speed;
    const int intervalMs = context.config.cluster.heartbeatIntervalMs;
    if (frameMs > intervalMs / 2.0)
        qCWarning(lcCom).noquote() << context.setupError(QStringLiteral("a %1-byte frame takes %2 ms at %3, more than half the "
                                    "heartbeat interval (%4 ms): raise the speed or the interval")
                         .arg(frameBytes)
                         .arg(frameMs, 0, 'f', 1)
                         .arg(settings->describe())
                         .arg(intervalMs));
    return std::make_unique<ComHeartbeat>(context.heartbeat.name, device->info, peers.value(0),
                                          *settings);
}

QStringList ComHeartbeat::peers() const {
    return peer_.isEmpty() ? QStringList{} : QStringList{peer_};
}

QString ComHeartbeat::localEndpoint() const {
    return QStringLiteral("%1 %2").arg(device_, settings_.describe());
}

ComHeartbeat::Counters ComHeartbeat::counters() const {
    Counters counters = counters_;
    counters.decoder = codec_.counters();
    return counters;
}

bool ComHeartbeat::applyLineSettings(termios* tio, const LineSettings& settings) {
    const auto speed = speedCode(settings.speed);
    if (!speed) {
        errno = EINVAL;
        return false;
    }
    ::cfmakeraw(tio);
    tio->c_iflag &= ~tcflag_t(IXON | IXOFF | IXANY | INPCK); // binary data; the CRC checks it
    tio->c_cflag &= ~tcflag_t(CSIZE | PARENB | PARODD | CSTOPB | CRTSCTS);
    tio->c_cflag |= CS8 | CREAD | CLOCAL; // CLOCAL: no modem lines, no carrier is no hang-up
    if (settings.parity != Parity::None)
        tio->c_cflag |= PARENB | (settings.parity == Parity::Odd ? PARODD : 0);
    if (settings.stopBits == 2)
        tio->c_cflag |= CSTOPB;
    if (settings.rtsCts)
        tio->c_cflag |= CRTSCTS;
    // VMIN 1 with O_NONBLOCK: no data reads as EAGAIN, so 0 bytes means a hang-up.
    tio->c_cc[VMIN] = 1;
    tio->c_cc[VTIME] = 0;
    return ::cfsetispeed(tio, *speed) == 0 && ::cfsetospeed(tio, *speed) == 0;
}

bool ComHeartbeat::open() {
    if (opened_)
        return true;
    QString error;
    if (!openLine(&error)) {
        setErrorString(QStringLiteral("%1: %2").arg(name(), error));
        return false;
    }
    setErrorString(QString());
    opened_ = true;
    return true;
}

void ComHeartbeat::close() {
    opened_ = false;
    reopenTimer_->stop();
    closeLine();
}

bool ComHeartbeat::openLine(QString* error) {
    ++counters_.openAttempts;
    const QByteArray path = device_.toLocal8Bit();
    const int fd = ::open(path.constData(), O_RDWR | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0) {
        *error = QStringLiteral("cannot open %1: %2").arg(device_, qt_error_string(errno));
        return false;
    }
    const auto fail = [&](const QString& what) {
        *error = QStringLiteral("%1: %2").arg(device_, what);
        ::close(fd);
        return false;
    };
    if (!::isatty(fd))
        return fail(QStringLiteral("not a terminal"));
    // Advisory, between Lifeline processes: two daemons on one line would split its bytes.
    if (::flock(fd, LOCK_EX | LOCK_NB) != 0)
        return fail(errno == EWOULDBLOCK ? QStringLiteral("in use by another process")
                                         : QStringLiteral("cannot lock: %1").arg(qt_error_string(errno)));
    termios tio{};
    if (::tcgetattr(fd, &tio) != 0)
        return fail(QStringLiteral("cannot read the line settings: %1").arg(qt_error_string(errno)));
    if (!applyLineSettings(&tio, settings_) || ::tcsetattr(fd, TCSANOW, &tio) != 0)
        return fail(
            QStringLiteral("cannot set %1: %2").arg(settings_.describe(), qt_error_string(errno)));
    ::tcflush(fd, TCIOFLUSH); // what waited in the tty before us is stale
    fd_ = fd;
    codec_.reset();
    readNotifier_ = new QSocketNotifier(fd_, QSocketNotifier::Read, this);
    connect(readNotifier_, &QSocketNotifier::activated, this, &ComHeartbeat::readPending);
    writeNotifier_ = new QSocketNotifier(fd_, QSocketNotifier::Write, this);
    writeNotifier_->setEnabled(false);
    connect(writeNotifier_, &QSocketNotifier::activated, this, &ComHeartbeat::onWritable);
    return true;
}

void ComHeartbeat::closeLine() {
    if (fd_ < 0)
        return;
    // The notifiers may be the ones emitting right now: disable, delete later.
    for (QSocketNotifier* notifier : {readNotifier_, writeNotifier_}) {
        notifier->setEnabled(false);
        notifier->disconnect(this);
        notifier->deleteLater();
    }
    readNotifier_ = writeNotifier_ = nullptr;
    ::close(fd_);
    fd_ = -1;
    pending_.clear();
    codec_.reset();
}

void ComHeartbeat::hangUp(const QString& why) {
    ++counters_.hangUps;
    const QString message =
        QStringLiteral("%1: %2 %3: the other end of the line is gone").arg(name(), device_, why);
    qCWarning(lcCom).noquote()
        << message << QStringLiteral("(reopening every %1 ms)").arg(kReopenPeriod.count());
    closeLine();
    lastReopenError_.clear();
    if (!opened_)
        return;
    reopenTimer_->start();
    emit transportFailed(message); // last: the owner may close this path from its slot
}

void ComHeartbeat::reopen() {
    if (!opened_ || fd_ >= 0)
        return;
    QString error;
    if (openLine(&error)) {
        qCInfo(lcCom).noquote() << QStringLiteral("%1: %2 open again").arg(name(), device_);
        lastReopenError_.clear();
        emit transportRecovered();
        return;
    }
    if (error != lastReopenError_)
        qCWarning(lcCom).noquote() << QStringLiteral("%1: %2 (retrying every %3 ms)")
                                          .arg(name(), error)
                                          .arg(kReopenPeriod.count());
    lastReopenError_ = error;
    reopenTimer_->start();
}

int ComHeartbeat::send(const QByteArray& datagram) {
    if (fd_ < 0)
        return 0;
    const QByteArray frame = ComFrameCodec::encode(datagram);
    if (frame.isEmpty() || (!pending_.isEmpty() && !flushPending())) {
        // Too big, or the line has not taken the previous frame yet: never queue behind it.
        if (fd_ >= 0) {
            ++counters_.framesDropped;
            qCDebug(lcCom) << name() << "frame dropped: the line is busy";
        }
        return 0;
    }
    pending_ = frame;
    flushPending();
    if (fd_ < 0)
        return 0; // hung up while writing
    if (pending_.size() == frame.size()) {
        pending_.clear(); // not a byte taken: drop it whole rather than send it late
        ++counters_.framesDropped;
        qCDebug(lcCom) << name() << "frame dropped: the line is full";
        return 0;
    }
    ++counters_.framesWritten;
    return 1;
}

bool ComHeartbeat::flushPending() {
    while (!pending_.isEmpty() && fd_ >= 0) {
        const ssize_t n = ::write(fd_, pending_.constData(), size_t(pending_.size()));
        if (n > 0) {
            pending_.remove(0, n);
            continue;
        }
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
            writeNotifier_->setEnabled(true); // finish it when the line takes more
            return false;
        }
        hangUp(QStringLiteral("failed a write (%1)")
                   .arg(n < 0 ? qt_error_string(errno) : QStringLiteral("no progress")));
        return false;
    }
    if (writeNotifier_)
        writeNotifier_->setEnabled(false);
    return pending_.isEmpty();
}

void ComHeartbeat::onWritable() {
    flushPending();
}

void ComHeartbeat::readPending() {
    if (fd_ < 0)
        return;
    QByteArray received;
    QString hungUp;
    char buffer[4096];
    while (received.size() < kMaxReadBytesPerCall) {
        const ssize_t n = ::read(fd_, buffer, sizeof buffer);
        if (n > 0) {
            received.append(buffer, n);
            continue;
        }
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
            break;
        hungUp = n == 0 ? QStringLiteral("hung up")
                        : QStringLiteral("failed a read (%1)").arg(qt_error_string(errno));
        break;
    }
    // What arrived before a hang-up still counts.
    const QString device = device_, peer = peer_;
    const QList<QByteArray> payloads = codec_.feed(received);
    if (codec_.counters().checksumErrors > 0 && !checksumErrorLogged_) {
        checksumErrorLogged_ = true;
        qCWarning(lcCom).noquote()
            << QStringLiteral("%1: a frame on %2 failed its checksum (line noise, or different "
                              "line settings at the other end?); further ones are only counted")
                   .arg(name(), device_);
    }
    for (const auto& payload : payloads)
        emit datagramReceived(payload, device, peer);
    if (!hungUp.isEmpty())
        hangUp(hungUp);
}

} // namespace lifeline::hb
