#pragma once

#include "PropertyPage.h"

class QTableWidget;

namespace lifeline::builder {

// Server properties: name (a rename follows into the groups and monitors that
// name the server), comment, and its devices (the address or device path each
// interconnect, NP or disk route uses on this server).
class ServerPropertyPage : public PropertyPage {
    Q_OBJECT
public:
    explicit ServerPropertyPage(const QString& name, QWidget* parent = nullptr);
    void load(const config::ClusterConfig& config, const Scripts& scripts) override;
    void store(config::ClusterConfig& config, Scripts& scripts) const override;
    bool concerns(const config::Diagnostic& d) const override;

private:
    QTableWidget* devices_;
};

} // namespace lifeline::builder
