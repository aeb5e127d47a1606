#pragma once

#include "WizardPage.h"

class QTableWidget;

namespace lifeline::builder {

// 1-3 Interconnect: a table of communication routes (rows, in priority order) by
// servers (columns). Each route has a type — LAN, kernel-mode LAN, COM or DISK —
// and in each server's cell the address or device the server uses on it; a blank
// cell leaves that server off the route. Each route becomes one heartbeat and one
// device per connected server.
class InterconnectPage : public WizardPage {
    Q_OBJECT
public:
    explicit InterconnectPage(ClusterWizard* wizard);
    void initializePage() override;
    bool concerns(const config::Diagnostic& d) const override;

private:
    void addRoute(const QString& type, const QStringList& cells);
    void removeRoute();
    void move(int delta);
    void apply();

    QTableWidget* table_;
    QStringList servers_; // the columns after Type
};

} // namespace lifeline::builder
