#pragma once

#include <QComboBox>

namespace lifeline::builder {

// A choice of final action (server/config's codes 0-9, by name); the item data is the code.
class FinalActionBox : public QComboBox {
    Q_OBJECT
public:
    explicit FinalActionBox(QWidget* parent = nullptr);
    int code() const { return currentData().toInt(); }
    void setCode(int code);
};

} // namespace lifeline::builder
