#include "EditCommand.h"

namespace lifeline::builder {

EditCommand::EditCommand(const QString& text, Content before, Content after, Apply apply)
    : QUndoCommand(text), before_(std::move(before)), after_(std::move(after)),
      apply_(std::move(apply)) {}

void EditCommand::undo() {
    apply_(before_);
}

void EditCommand::redo() {
    apply_(after_);
}

} // namespace lifeline::builder
