#pragma once

#include "Diagnostic.h"

#include <QLabel>
#include <functional>

namespace lifeline::builder {

// The findings that concern one page (or one view), one a line as clpcfchk prints
// them, errors in red. Shared by the wizard pages and the main window.
class ValidationLabel : public QLabel {
    Q_OBJECT
public:
    explicit ValidationLabel(QWidget* parent = nullptr);

    // Shows the diagnostics `concerns` accepts.
    void display(const config::Diagnostics& all,
                 const std::function<bool(const config::Diagnostic&)>& concerns);

    QStringList messages() const { return messages_; }
    bool hasErrors() const { return errors_ > 0; }

private:
    QStringList messages_;
    int errors_ = 0;
};

} // namespace lifeline::builder
