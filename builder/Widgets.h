#pragma once

#include <QString>

class QDoubleSpinBox;
class QListWidget;
class QPushButton;
class QSpinBox;
class QWidget;

// Small widget helpers the wizard pages share. Object names let the GUI tests find
// each control.
namespace lifeline::builder::widgets {

QPushButton* button(QWidget* parent, const QString& text, const char* objectName);
// Seconds with two decimals (property pages: three, milliseconds are kept), from
// 0.05 s to `max`.
QDoubleSpinBox* secondsBox(QWidget* parent, const char* objectName, double max,
                           int decimals = 2);
QSpinBox* countBox(QWidget* parent, const char* objectName, int max);
// Moves the current row by `delta` (signals blocked); false when it cannot move.
bool moveCurrentRow(QListWidget* list, int delta);

} // namespace lifeline::builder::widgets
