#pragma once

#include "PropertyPage.h"

class QCheckBox;
class QDoubleSpinBox;
class QLineEdit;
class QPlainTextEdit;
class QSpinBox;
class QStackedWidget;

namespace lifeline::builder {

// Properties of a ping NP resolution, simple or detailed as in the manual. Simple:
// the targets, each answering alone being enough, with the default timing.
// Detailed: target groups (one a line, the addresses of a group separated by
// commas; any group answering is enough), interval, timeout and retries.
class NpPropertyPage : public PropertyPage {
    Q_OBJECT
public:
    explicit NpPropertyPage(const QString& name, QWidget* parent = nullptr);
    void load(const config::ClusterConfig& config, const Scripts& scripts) override;
    void store(config::ClusterConfig& config, Scripts& scripts) const override;
    bool concerns(const config::Diagnostic& d) const override;

private:
    void showMode();

    QCheckBox* detailed_;
    QStackedWidget* targets_;
    QLineEdit* simpleTargets_;
    QPlainTextEdit* groups_;
    QWidget* timing_;
    QDoubleSpinBox* interval_;
    QDoubleSpinBox* timeout_;
    QSpinBox* retry_;
    int deviceId_ = -1;
};

} // namespace lifeline::builder
