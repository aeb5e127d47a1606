#pragma once

#include "WizardPage.h"

class QLineEdit;
class QListWidget;

namespace lifeline::builder {

// 1-2 Servers list: add a server by host name, FQDN or IP address; the order is the
// servers' priority (the first is the master server). Names are case sensitive and
// renamed in place (F2).
class ServersPage : public WizardPage {
    Q_OBJECT
public:
    explicit ServersPage(ClusterWizard* wizard);
    void initializePage() override;
    bool concerns(const config::Diagnostic& d) const override;

private:
    void addServer();
    void removeServer();
    void move(int delta);
    void apply();
    // The selected server's public address (its LAN device 0), from "Discover…".
    void setAddress(const QString& address);

    QLineEdit* entry_;
    QListWidget* list_;
};

} // namespace lifeline::builder
