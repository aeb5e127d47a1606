#pragma once

#include "ConfigEdits.h"

#include <QUndoCommand>
#include <functional>

namespace lifeline::builder {

// What an edit changes: the whole model and the scripts.
struct Content {
    config::ClusterConfig config;
    Scripts scripts;
};

// One model change on the undo stack. It keeps the content before and after
// (configurations are small), so every kind of edit — a property page, an add, a
// rename that follows references, a removal — undoes exactly, with one class.
class EditCommand : public QUndoCommand {
public:
    using Apply = std::function<void(const Content&)>;
    EditCommand(const QString& text, Content before, Content after, Apply apply);
    void undo() override;
    void redo() override;

private:
    Content before_;
    Content after_;
    Apply apply_;
};

} // namespace lifeline::builder
