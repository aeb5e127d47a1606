#pragma once

#include "PropertyPage.h"

class QLabel;
class QSpinBox;
class QTableWidget;

namespace lifeline::builder {

class ParameterForm;

// Properties of one interconnect (heartbeat): its priority, the address or device
// each server uses on it (a blank cell takes the server off the route), and the
// type's parameters (COM line settings).
class InterconnectPropertyPage : public PropertyPage {
    Q_OBJECT
public:
    explicit InterconnectPropertyPage(const QString& name, QWidget* parent = nullptr);
    void load(const config::ClusterConfig& config, const Scripts& scripts) override;
    void store(config::ClusterConfig& config, Scripts& scripts) const override;
    bool concerns(const config::Diagnostic& d) const override;

private:
    QLabel* type_;
    QSpinBox* priority_;
    QTableWidget* cells_;
    ParameterForm* parameters_;
    int deviceId_ = -1;
    QString deviceType_;
};

} // namespace lifeline::builder
