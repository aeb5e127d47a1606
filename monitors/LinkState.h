#pragma once

#include <QObject>
#include <QSocketNotifier>
#include <QString>

#include <memory>
#include <optional>

namespace lifeline::monitors {

// The link state of a network interface through rtnetlink (RTM_GETLINK), as
// `ip link` shows it: UP, LOWER_UP / NO-CARRIER, operstate.
struct LinkState {
    QString ifname;
    bool up = false;      // IFF_UP: administratively up
    bool running = false; // IFF_RUNNING: carrier and operstate up (or unknown)
    int operState = 0;    // IF_OPER_*

    // nullopt and *error when the interface does not exist or netlink fails.
    static std::optional<LinkState> query(const QString& ifname, QString* error);
    // Empty when the link can carry traffic; otherwise why not
    // ("eth0 is administratively down", "eth0: NO-CARRIER (operstate down)").
    QString problem() const;
};

// Reports link changes of one interface as they happen: an rtnetlink socket
// subscribed to RTMGRP_LINK, read through a QSocketNotifier. Messages about
// other interfaces are ignored; a lost message (ENOBUFS) counts as a change.
class LinkWatcher : public QObject {
    Q_OBJECT
public:
    explicit LinkWatcher(QString ifname, QObject* parent = nullptr);
    ~LinkWatcher() override;

    bool isOpen() const { return fd_ >= 0; }
    QString errorString() const { return error_; }

signals:
    void changed();

private:
    void readMessages();

    QString ifname_;
    int fd_ = -1;
    QString error_;
    std::unique_ptr<QSocketNotifier> notifier_;
};

} // namespace lifeline::monitors
