#include "FinalActionBox.h"

#include "ClusterConfig.h"

namespace lifeline::builder {

FinalActionBox::FinalActionBox(QWidget* parent) : QComboBox(parent) {
    for (int code = 0; code <= config::kFinalActionMax; ++code)
        addItem(config::finalActionName(code), code);
}

void FinalActionBox::setCode(int code) {
    setCurrentIndex(std::max(0, findData(code)));
}

} // namespace lifeline::builder
