#pragma once

#include <QDialog>
#include <QStringList>

#include <functional>

class QComboBox;
class QLabel;
class QLineEdit;
class QPushButton;
class QTableWidget;

namespace lifeline::builder {

// "Discover…": a server's NICs or block devices as the cluster sees them
// (GET /api/v1/servers/{name}/devices through the WebManager of Get / Apply), to pick the
// address or the device instead of typing it. Needs a WebManager address (File → Get
// Configuration or Apply once); offline it says so.
class DiscoveryDialog : public QDialog {
    Q_OBJECT
public:
    enum class Kind {
        Address,         // a NIC's IPv4 address: "198.18.0.11"
        AddressAndPrefix, // "198.18.0.11/24" (a server's LAN device)
        Disk,            // a block device node: "/dev/sdb1"
    };

    // `servers` to offer, `server` first; with none, the cluster's servers are asked for.
    DiscoveryDialog(Kind kind, const QStringList& servers = {}, const QString& server = {},
                    QWidget* parent = nullptr);

    QComboBox* serverBox() const { return server_; }
    QTableWidget* table() const { return table_; }
    QLabel* statusLabel() const { return status_; }
    // The value of the selected row (what goes into the field).
    QString selectedValue() const;

    // What a "Discover…" button beside a table asks for: the current cell's server and
    // kind; no server (nothing selected, or a COM cell) says what to select instead.
    struct Target {
        Kind kind = Kind::Address;
        QString server;
    };

    // Adds a "Discover…" button at the end of `edit`; the picked value replaces its text.
    static void attach(QLineEdit* edit, Kind kind);
    // A "Discover…" push button for a table or list: `target()` on a click, `fill` with the
    // picked value. Both kinds are disabled, saying why, while no WebManager is known.
    static QPushButton* button(QWidget* parent, const char* objectName,
                               std::function<Target()> target,
                               std::function<void(const QString&)> fill);
    // The kind for a device type ("lan" → Address, "disk" → Disk); false for others.
    static bool kindOfDevice(const QString& deviceType, Kind* kind);

signals:
    void listed(int rows);

private:
    void discover();

    Kind kind_;
    QComboBox* server_;
    QTableWidget* table_;
    QLabel* status_;
};

} // namespace lifeline::builder
