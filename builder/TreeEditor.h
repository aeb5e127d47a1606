#pragma once

#include "BuilderDocument.h"
#include "ConfigTreeModel.h"
#include "EditCommand.h"

#include <QObject>
#include <functional>

class QAction;
class QMenu;
class QUndoStack;
class QWidget;

namespace lifeline::builder {

class PropertyDialog;

// Editing the configuration outside the wizard: add / rename / delete of servers,
// groups, resources and monitors, add / delete of interconnects and NP resolutions, the
// property dialogs, and undo/redo. Every
// change is an EditCommand on one QUndoStack, whose clean state is the window's
// unsaved-changes marker. The window gives the document and the selected object,
// and redraws on changed().
class TreeEditor : public QObject {
    Q_OBJECT
public:
    struct Selection {
        ConfigTreeModel::Kind kind = ConfigTreeModel::Kind::Cluster;
        QString name;
    };

    TreeEditor(QWidget* window, std::optional<BuilderDocument>* document,
               std::function<Selection()> selected);
    ~TreeEditor() override;

    QUndoStack* undoStack() const { return stack_; }
    // Undo, Redo, the Add entries, Rename (F2), Delete (Del) and Properties.
    void addActions(QMenu* menu) const;

    // The operations the actions run once the user has answered; false with `error`
    // when refused (unknown object, name taken, empty name). An interconnect's or NP
    // resolution's `nameOrType` is its type (lanhb, lankhb, comhb, diskhb; pingnp).
    bool add(ConfigTreeModel::Kind kind, const QString& nameOrType, QString* error);
    bool rename(ConfigTreeModel::Kind kind, const QString& from, const QString& to,
                QString* error);
    // When something refers to the object, asks first (unless `ask` is false) and
    // says what does.
    bool remove(ConfigTreeModel::Kind kind, const QString& name, bool ask = true);
    // The properties of the selected object (null for a folder), applied through
    // the undo stack; the caller shows it.
    PropertyDialog* propertyDialog(QWidget* parent);
    // One change on the undo stack; `select` is the object to show afterwards.
    void apply(const QString& text, const Content& after, const Selection& select);
    // Edit → Properties: the dialog of the selected object, modal.
    void showProperties();

signals:
    // The content changed (an edit, an undo, a redo); show `select`.
    void changed(const lifeline::builder::TreeEditor::Selection& select);

private:
    void addInteractively(ConfigTreeModel::Kind kind);
    void renameSelected();
    void removeSelected();
    Content current() const;

    QWidget* window_;
    std::optional<BuilderDocument>* document_;
    std::function<Selection()> selected_;
    QUndoStack* stack_;
    QList<QAction*> actions_;
};

} // namespace lifeline::builder
