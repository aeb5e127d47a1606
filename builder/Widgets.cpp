#include "Widgets.h"

#include <QDoubleSpinBox>
#include <QListWidget>
#include <QPushButton>
#include <QSpinBox>

namespace lifeline::builder::widgets {

QPushButton* button(QWidget* parent, const QString& text, const char* objectName) {
    auto* b = new QPushButton(text, parent);
    b->setObjectName(QLatin1String(objectName));
    return b;
}

QDoubleSpinBox* secondsBox(QWidget* parent, const char* objectName, double max, int decimals) {
    auto* box = new QDoubleSpinBox(parent);
    box->setObjectName(QLatin1String(objectName));
    box->setDecimals(decimals);
    box->setRange(0.05, max);
    box->setSuffix(QStringLiteral(" s"));
    return box;
}

QSpinBox* countBox(QWidget* parent, const char* objectName, int max) {
    auto* box = new QSpinBox(parent);
    box->setObjectName(QLatin1String(objectName));
    box->setRange(0, max);
    return box;
}

bool moveCurrentRow(QListWidget* list, int delta) {
    const int row = list->currentRow();
    const int to = row + delta;
    if (row < 0 || to < 0 || to >= list->count())
        return false;
    const QSignalBlocker blocker(list);
    auto* item = list->takeItem(row);
    list->insertItem(to, item);
    list->setCurrentRow(to);
    return true;
}

} // namespace lifeline::builder::widgets
