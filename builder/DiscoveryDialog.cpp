#include "DiscoveryDialog.h"

#include "RemoteCluster.h"

#include <QAction>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QHeaderView>
#include <QJsonArray>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QMessageBox>
#include <QPointer>
#include <QPushButton>
#include <QStyle>
#include <QTableWidget>
#include <QVBoxLayout>

namespace lifeline::builder {

DiscoveryDialog::DiscoveryDialog(Kind kind, const QStringList& servers, const QString& server,
                                 QWidget* parent)
    : QDialog(parent), kind_(kind), server_(new QComboBox(this)), table_(new QTableWidget(this)),
      status_(new QLabel(this)) {
    setObjectName(QStringLiteral("discoveryDialog"));
    setWindowTitle(kind == Kind::Disk ? tr("Discover Block Devices") : tr("Discover Network Interfaces"));
    server_->setObjectName(QStringLiteral("discoveryServer"));
    table_->setObjectName(QStringLiteral("discoveryTable"));
    status_->setObjectName(QStringLiteral("discoveryStatus"));
    status_->setWordWrap(true);
    server_->setEditable(true);
    server_->addItems(servers);
    server_->setCurrentText(server.isEmpty() ? servers.value(0) : server);
    const QStringList headers = kind == Kind::Disk
                                    ? QStringList{tr("Device"), tr("Size"), tr("Type"), tr("File system"),
                                                  tr("Label"), tr("UUID")}
                                    : QStringList{tr("Address"), tr("Interface"), tr("MAC"), tr("State")};
    table_->setColumnCount(int(headers.size()));
    table_->setHorizontalHeaderLabels(headers);
    table_->setSelectionBehavior(QAbstractItemView::SelectRows);
    table_->setSelectionMode(QAbstractItemView::SingleSelection);
    table_->setEditTriggers(QAbstractItemView::NoEditTriggers);
    table_->horizontalHeader()->setStretchLastSection(true);
    table_->verticalHeader()->hide();
    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    auto* refresh = buttons->addButton(tr("&Discover"), QDialogButtonBox::ActionRole);
    refresh->setObjectName(QStringLiteral("discoverButton"));
    connect(refresh, &QPushButton::clicked, this, &DiscoveryDialog::discover);
    connect(server_, &QComboBox::activated, this, &DiscoveryDialog::discover);
    connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    connect(table_, &QTableWidget::cellDoubleClicked, this, &QDialog::accept);
    auto* layout = new QVBoxLayout(this);
    layout->addWidget(server_);
    layout->addWidget(table_, 1);
    layout->addWidget(status_);
    layout->addWidget(buttons);
    resize(640, 360);
    if (!servers.isEmpty() || !RemoteCluster::shared().hasEndpoint()) {
        discover();
        return;
    }
    RemoteCluster::shared().servers([this, self = QPointer<DiscoveryDialog>(this)](const RemoteCluster::Answer& a) {
        if (!self)
            return;
        for (const auto& s : a.body.value("servers").toArray())
            server_->addItem(s.toObject().value("name").toString());
        discover();
    });
}

QString DiscoveryDialog::selectedValue() const {
    const auto rows = table_->selectionModel()->selectedRows();
    if (rows.isEmpty())
        return {};
    return table_->item(rows.first().row(), 0)->data(Qt::UserRole).toString();
}

void DiscoveryDialog::discover() {
    auto& cluster = RemoteCluster::shared();
    table_->setRowCount(0);
    if (!cluster.hasEndpoint()) {
        status_->setText(tr("No WebManager to ask: use File → Get Configuration or Apply "
                            "Configuration first (the Builder works offline without it)."));
        return;
    }
    const QString server = server_->currentText();
    status_->setText(tr("Asking %1 for the devices of %2...").arg(cluster.url().toString(), server));
    cluster.devices(server, [this, self = QPointer<DiscoveryDialog>(this)](const RemoteCluster::Answer& a) {
        if (!self)
            return;
        if (!a.ok) {
            status_->setText(a.message);
            emit listed(0);
            return;
        }
        const auto add = [this](const QString& value, const QStringList& cells) {
            const int row = table_->rowCount();
            table_->insertRow(row);
            for (int c = 0; c < cells.size(); ++c) {
                auto* item = new QTableWidgetItem(cells[c]);
                item->setData(Qt::UserRole, value);
                table_->setItem(row, c, item);
            }
        };
        if (kind_ == Kind::Disk) {
            for (const auto& v : a.body.value("disks").toArray()) {
                const auto d = v.toObject();
                add(d.value("node").toString(),
                    {d.value("node").toString(), QLocale().formattedDataSize(d.value("size").toInteger()),
                     d.value("type").toString(), d.value("fsType").toString(), d.value("label").toString(),
                     d.value("uuid").toString()});
            }
        } else {
            for (const auto& v : a.body.value("nics").toArray()) {
                const auto n = v.toObject();
                if (n.value("loopback").toBool())
                    continue;
                for (const auto& address : n.value("addresses").toArray()) {
                    const QString withPrefix = address.toString();
                    if (withPrefix.contains(QLatin1Char(':'))) // IPv6: clp.conf's LANs are IPv4
                        continue;
                    add(kind_ == Kind::AddressAndPrefix ? withPrefix : withPrefix.section(QLatin1Char('/'), 0, 0),
                        {withPrefix, n.value("name").toString(), n.value("mac").toString(),
                         n.value("up").toBool() ? tr("up") : tr("down")});
                }
            }
        }
        table_->resizeColumnsToContents();
        if (table_->rowCount() > 0)
            table_->selectRow(0);
        status_->setText(tr("%n device(s) of %1.", nullptr, table_->rowCount())
                             .arg(a.body.value("server").toString()));
        emit listed(table_->rowCount());
    });
}

namespace {

// Enabled only with a WebManager to ask; the tooltip says why not.
template <class W> void followEndpoint(W* w, const QString& tip) {
    const auto update = [w, tip] {
        const bool known = RemoteCluster::shared().hasEndpoint();
        w->setEnabled(known);
        w->setToolTip(known ? tip
                            : DiscoveryDialog::tr("Discover… needs a WebManager: use File → Get "
                                                  "Configuration or Apply Configuration first."));
    };
    update();
    QObject::connect(&RemoteCluster::shared(), &RemoteCluster::endpointChanged, w, update);
}

} // namespace

void DiscoveryDialog::attach(QLineEdit* edit, Kind kind) {
    auto* action = edit->addAction(edit->style()->standardIcon(QStyle::SP_FileDialogContentsView),
                                   QLineEdit::TrailingPosition);
    action->setObjectName(QStringLiteral("discoverAction"));
    followEndpoint(action, tr("Discover… (the server's devices, through the WebManager)"));
    QObject::connect(action, &QAction::triggered, edit, [edit, kind] {
        DiscoveryDialog dialog(kind, {}, {}, edit->window());
        if (dialog.exec() == QDialog::Accepted && !dialog.selectedValue().isEmpty())
            edit->setText(dialog.selectedValue());
    });
}

QPushButton* DiscoveryDialog::button(QWidget* parent, const char* objectName,
                                     std::function<Target()> target,
                                     std::function<void(const QString&)> fill) {
    auto* b = new QPushButton(tr("Discover…"), parent);
    b->setObjectName(QLatin1String(objectName));
    followEndpoint(b, tr("Pick the selected server's address or device from the ones it has "
                         "(through the WebManager)"));
    QObject::connect(b, &QPushButton::clicked, parent, [parent, target, fill] {
        const Target t = target();
        if (t.server.isEmpty()) {
            QMessageBox::information(parent->window(), tr("Discover"),
                                     tr("Select a server's LAN address or disk device first."));
            return;
        }
        DiscoveryDialog dialog(t.kind, {t.server}, t.server, parent->window());
        if (dialog.exec() == QDialog::Accepted && !dialog.selectedValue().isEmpty())
            fill(dialog.selectedValue());
    });
    return b;
}

bool DiscoveryDialog::kindOfDevice(const QString& deviceType, Kind* kind) {
    if (deviceType == QLatin1String("lan"))
        *kind = Kind::Address;
    else if (deviceType == QLatin1String("disk"))
        *kind = Kind::Disk;
    else
        return false;
    return true;
}

} // namespace lifeline::builder
