#pragma once

#include "PropertyPage.h"

class QLabel;
class QListWidget;
class QPlainTextEdit;

namespace lifeline::builder {

class ParameterForm;
class ResourceRecoveryBox;

// Group resource properties: name (a rename follows into the group, dependencies,
// monitors and scripts/), comment, every parameter of its type, the resources of
// its group it depends on, the recovery operation, and for an exec resource its
// start and stop scripts.
class ResourcePropertyPage : public PropertyPage {
    Q_OBJECT
public:
    explicit ResourcePropertyPage(const QString& name, QWidget* parent = nullptr);
    void load(const config::ClusterConfig& config, const Scripts& scripts) override;
    void store(config::ClusterConfig& config, Scripts& scripts) const override;
    bool concerns(const config::Diagnostic& d) const override;

private:
    // scripts/<group>/<resource>/<file> for the act/path or deact/path parameter.
    static QString scriptPath(const config::ClusterConfig& c, const config::Resource& r,
                              const QString& key);

    QLabel* type_;
    ParameterForm* parameters_;
    QListWidget* depends_;
    ResourceRecoveryBox* recovery_;
    QWidget* scripts_;
    QPlainTextEdit* startScript_;
    QPlainTextEdit* stopScript_;
};

} // namespace lifeline::builder
