#include "ValidationLabel.h"

namespace lifeline::builder {

ValidationLabel::ValidationLabel(QWidget* parent) : QLabel(parent) {
    setObjectName(QStringLiteral("validation"));
    setWordWrap(true);
    setTextFormat(Qt::RichText);
    setTextInteractionFlags(Qt::TextSelectableByMouse);
    setAlignment(Qt::AlignLeft | Qt::AlignTop);
}

void ValidationLabel::display(const config::Diagnostics& all,
                              const std::function<bool(const config::Diagnostic&)>& concerns) {
    messages_.clear();
    errors_ = 0;
    QStringList lines;
    for (const auto& d : all.items()) {
        if (!concerns(d))
            continue;
        messages_ << d.text();
        errors_ += d.isError() ? 1 : 0;
        lines << QStringLiteral("<span style=\"color:%1\">%2</span>")
                     .arg(d.isError() ? QStringLiteral("#c00000") : QStringLiteral("#a06000"),
                          d.text().toHtmlEscaped());
    }
    setText(lines.join(QStringLiteral("<br>")));
}

} // namespace lifeline::builder
