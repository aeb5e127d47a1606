#pragma once

#include "ClusterConfig.h"

#include <QWidget>

class QDoubleSpinBox;
class QSpinBox;

namespace lifeline::builder {

class FinalActionBox;

// A resource's recovery operation: at activation failure the retries, the failover
// threshold, the final action and the timeout; at deactivation failure the
// retries, the final action and the timeout. Shared by the wizard's resource page
// and the resource property page.
class ResourceRecoveryBox : public QWidget {
    Q_OBJECT
public:
    explicit ResourceRecoveryBox(QWidget* parent = nullptr);
    void load(const config::Resource& r);
    void store(config::Resource& r) const;

signals:
    void changed();

private:
    QSpinBox* actRetry_;
    QSpinBox* actFailover_;
    FinalActionBox* actAction_;
    QDoubleSpinBox* actTimeout_;
    QSpinBox* deactRetry_;
    FinalActionBox* deactAction_;
    QDoubleSpinBox* deactTimeout_;
};

} // namespace lifeline::builder
