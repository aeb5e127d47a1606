#pragma once

#include "BuilderDocument.h"
#include "ConfigTreeModel.h"
#include "EditCommand.h"

#include <QDialog>

class QDialogButtonBox;

namespace lifeline::builder {

class PropertyPage;
class ValidationLabel;

// Properties of one object of the tree: its page, and below it clpcfchk's findings
// about the object, checked after every change as the wizard does (the same
// messages). OK and Apply are disabled while one of them is an error; they hand
// the changed content to the window (applied), which puts it on the undo stack.
class PropertyDialog : public QDialog {
    Q_OBJECT
public:
    PropertyDialog(const BuilderDocument& document, ConfigTreeModel::Kind kind,
                   const QString& name, QWidget* parent = nullptr);

    // The page for `kind` (null for folders).
    static PropertyPage* makePage(ConfigTreeModel::Kind kind, const QString& name,
                                  QWidget* parent);

    PropertyPage* page() const { return page_; }
    ValidationLabel* validation() const { return validation_; }
    bool canApply() const;
    // The content with the page's values.
    Content edited() const;

signals:
    void applied(const lifeline::builder::Content& content, const QString& what);

private:
    void recheck();
    void apply();

    const BuilderDocument& document_;
    Content base_;
    QString what_;
    PropertyPage* page_;
    ValidationLabel* validation_;
    QDialogButtonBox* buttons_;
};

} // namespace lifeline::builder
