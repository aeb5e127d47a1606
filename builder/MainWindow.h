#pragma once

#include "BuilderDocument.h"
#include "TreeEditor.h"

#include "ConfigTreeModel.h"

#include <QMainWindow>
#include <optional>

class QTreeView;

namespace lifeline::builder {

class ConfigTreeModel;
class PropertyView;
class ValidationLabel;

// The Builder's window: the configuration tree, the selected object's properties
// and clpcfchk's findings; File menu with the wizard, Open, Save and Save As. The
// title carries the unsaved-changes marker, and closing asks first.
class MainWindow : public QMainWindow {
    Q_OBJECT
public:
    explicit MainWindow(QWidget* parent = nullptr);

    bool openDirectory(const QString& dir, QString* error);
    bool saveTo(const QString& dir, QString* error);
    // File → Export for Linux / for Windows into `dir` (the document stays where it is).
    bool exportTo(const QString& dir, config::ConfigPackage::Format format, QString* error);
    // A configuration made by the wizard (unsaved).
    void setNewConfiguration(const BuilderDocument& document);

    const std::optional<BuilderDocument>& document() const { return document_; }
    ConfigTreeModel* treeModel() const { return model_; }
    QTreeView* tree() const { return tree_; }
    PropertyView* properties() const { return properties_; }
    ValidationLabel* findings() const { return findings_; }
    TreeEditor* editor() const { return editor_; }
    // Selects the object in the tree (false when it is not there).
    bool select(ConfigTreeModel::Kind kind, const QString& name);

protected:
    void closeEvent(QCloseEvent* event) override;

private:
    void runWizard();
    void open();
    bool save();
    bool saveAs();
    // With unsaved changes: asks Save / Discard / Cancel; false to stay.
    bool confirmDiscard();
    void setDocument(const BuilderDocument& document, bool modified);
    void updateTitle();
    void showSelected();
    void exportAs(config::ConfigPackage::Format format);
    // After an edit, an undo or a redo: the tree, properties and findings again.
    void showContent(const TreeEditor::Selection& select);
    TreeEditor::Selection selection() const;

    std::optional<BuilderDocument> document_;
    ConfigTreeModel* model_;
    QTreeView* tree_;
    PropertyView* properties_;
    ValidationLabel* findings_;
    TreeEditor* editor_;
};

} // namespace lifeline::builder
