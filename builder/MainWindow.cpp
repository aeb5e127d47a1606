#include "MainWindow.h"

#include "ApplyDialog.h"
#include "ClusterWizard.h"
#include "ConfigTreeModel.h"
#include "GetDialog.h"
#include "PropertyView.h"
#include "ValidationLabel.h"

#include <QApplication>
#include <QCloseEvent>
#include <QDockWidget>
#include <QFileDialog>
#include <QMenuBar>
#include <QMessageBox>
#include <QScrollArea>
#include <QSplitter>
#include <QTreeView>
#include <QUndoStack>

namespace lifeline::builder {

MainWindow::MainWindow(QWidget* parent)
    : QMainWindow(parent), model_(new ConfigTreeModel(this)), tree_(new QTreeView(this)),
      properties_(new PropertyView(this)), findings_(new ValidationLabel(this)),
      editor_(new TreeEditor(this, &document_, [this] { return selection(); })) {
    setObjectName(QStringLiteral("mainWindow"));
    resize(980, 680);
    tree_->setObjectName(QStringLiteral("configTree"));
    tree_->setModel(model_);
    auto* splitter = new QSplitter(this);
    splitter->addWidget(tree_);
    splitter->addWidget(properties_);
    splitter->setStretchFactor(1, 2);
    setCentralWidget(splitter);
    auto* dock = new QDockWidget(tr("Check (clpcfchk)"), this);
    dock->setObjectName(QStringLiteral("findingsDock"));
    auto* scroll = new QScrollArea(dock);
    scroll->setWidget(findings_);
    scroll->setWidgetResizable(true);
    dock->setWidget(scroll);
    addDockWidget(Qt::BottomDockWidgetArea, dock);

    auto* file = menuBar()->addMenu(tr("&File"));
    file->addAction(tr("Cluster Generation &Wizard..."), this, &MainWindow::runWizard)
        ->setObjectName(QStringLiteral("actionWizard"));
    file->addAction(tr("&Open..."), QKeySequence::Open, this, &MainWindow::open)
        ->setObjectName(QStringLiteral("actionOpen"));
    file->addAction(tr("&Save"), QKeySequence::Save, this, &MainWindow::save)
        ->setObjectName(QStringLiteral("actionSave"));
    file->addAction(tr("Save &As..."), QKeySequence::SaveAs, this, &MainWindow::saveAs)
        ->setObjectName(QStringLiteral("actionSaveAs"));
    // The manual's Export: clp.conf and scripts/ as a Builder on Linux or Windows saves them.
    file->addAction(tr("&Export for Linux..."), this,
                    [this] { exportAs(config::ConfigPackage::Format::Linux); })
        ->setObjectName(QStringLiteral("actionExportLinux"));
    file->addAction(tr("Export for &Windows..."), this,
                    [this] { exportAs(config::ConfigPackage::Format::Windows); })
        ->setObjectName(QStringLiteral("actionExportWindows"));
    file->addSeparator();
    // A running cluster, through its WebManager.
    file->addAction(tr("&Get Configuration..."), this, [this] {
        if (!confirmDiscard())
            return;
        if (auto doc = GetDialog::run(this))
            setNewConfiguration(*doc);
    })->setObjectName(QStringLiteral("actionGetConfiguration"));
    file->addAction(tr("A&pply Configuration..."), this, [this] { ApplyDialog::run(this, document_); })
        ->setObjectName(QStringLiteral("actionApplyConfiguration"));
    file->addSeparator();
    file->addAction(tr("&Quit"), QKeySequence::Quit, this, &QWidget::close);

    connect(tree_->selectionModel(), &QItemSelectionModel::currentChanged, this,
            &MainWindow::showSelected);

    // Edit: undo/redo, add / rename / delete, properties; also the tree's context menu.
    auto* edit = menuBar()->addMenu(tr("&Edit"));
    edit->setObjectName(QStringLiteral("menuEdit"));
    editor_->addActions(edit);
    tree_->setContextMenuPolicy(Qt::CustomContextMenu);
    connect(tree_, &QWidget::customContextMenuRequested, this, [this, edit](const QPoint& at) {
        if (document_)
            edit->exec(tree_->viewport()->mapToGlobal(at));
    });
    connect(tree_, &QTreeView::doubleClicked, editor_, &TreeEditor::showProperties);
    connect(editor_, &TreeEditor::changed, this, &MainWindow::showContent);
    connect(editor_->undoStack(), &QUndoStack::cleanChanged, this, [this](bool clean) {
        setWindowModified(!clean);
        updateTitle();
    });
    updateTitle();
}

void MainWindow::setDocument(const BuilderDocument& document, bool modified) {
    document_ = document;
    // A new document starts a new history; an unsaved one is not clean.
    auto* stack = editor_->undoStack();
    stack->clear();
    if (modified)
        stack->resetClean();
    showContent({ConfigTreeModel::Kind::Cluster, QString()});
    setWindowModified(!stack->isClean());
    updateTitle();
}

void MainWindow::showContent(const TreeEditor::Selection& select) {
    model_->rebuild(document_->config());
    tree_->expandToDepth(2);
    if (!this->select(select.kind, select.name))
        tree_->setCurrentIndex(model_->index(0, 0));
    showSelected();
    findings_->display(document_->check(), [](const config::Diagnostic&) { return true; });
    if (findings_->messages().isEmpty())
        findings_->setText(tr("clpcfchk finds no error and no warning."));
    updateTitle();
}

bool MainWindow::select(ConfigTreeModel::Kind kind, const QString& name) {
    const auto found = model_->match(model_->index(0, 0), ConfigTreeModel::NameRole, name, -1,
                                     Qt::MatchExactly | Qt::MatchRecursive);
    for (const auto& index : found)
        if (ConfigTreeModel::Kind(index.data(ConfigTreeModel::KindRole).toInt()) == kind) {
            tree_->setCurrentIndex(index);
            return true;
        }
    return false;
}

TreeEditor::Selection MainWindow::selection() const {
    const auto index = tree_->currentIndex();
    if (!index.isValid())
        return {ConfigTreeModel::Kind::Folder, QString()};
    return {ConfigTreeModel::Kind(index.data(ConfigTreeModel::KindRole).toInt()),
            index.data(ConfigTreeModel::NameRole).toString()};
}

void MainWindow::setNewConfiguration(const BuilderDocument& document) {
    setDocument(document, true);
}

bool MainWindow::openDirectory(const QString& dir, QString* error) {
    auto doc = BuilderDocument::open(dir, error);
    if (!doc)
        return false;
    setDocument(*doc, false);
    return true;
}

bool MainWindow::saveTo(const QString& dir, QString* error) {
    if (!document_) {
        *error = tr("there is no configuration to save");
        return false;
    }
    if (!document_->save(dir, error))
        return false;
    editor_->undoStack()->setClean();
    setWindowModified(false);
    updateTitle();
    return true;
}

bool MainWindow::exportTo(const QString& dir, config::ConfigPackage::Format format,
                          QString* error) {
    if (!document_) {
        *error = tr("there is no configuration to export");
        return false;
    }
    return document_->exportTo(dir, format, error);
}

void MainWindow::exportAs(config::ConfigPackage::Format format) {
    const QString dir = QFileDialog::getExistingDirectory(
        this, format == config::ConfigPackage::Format::Windows
                  ? tr("Export clp.conf and scripts/ for Windows (CRLF) into the folder")
                  : tr("Export clp.conf and scripts/ for Linux into the folder"));
    QString error;
    if (!dir.isEmpty() && !exportTo(dir, format, &error))
        QMessageBox::warning(this, tr("Export"), error);
}

void MainWindow::updateTitle() {
    QString what = tr("no configuration");
    if (document_)
        what = document_->directory().isEmpty()
                   ? tr("%1 (not saved)").arg(document_->config().cluster.name)
                   : document_->directory();
    setWindowTitle(QStringLiteral("%1[*] - clpbuilder").arg(what));
}

void MainWindow::showSelected() {
    const auto index = tree_->currentIndex();
    if (!document_ || !index.isValid()) {
        properties_->setRowCount(0);
        return;
    }
    properties_->showObject(document_->config(),
                            ConfigTreeModel::Kind(index.data(ConfigTreeModel::KindRole).toInt()),
                            index.data(ConfigTreeModel::NameRole).toString());
}

void MainWindow::runWizard() {
    if (!confirmDiscard())
        return;
    ClusterWizard wizard(this);
    if (wizard.exec() == QDialog::Accepted)
        setNewConfiguration(BuilderDocument::create(wizard.draft(), wizard.scripts()));
}

void MainWindow::open() {
    if (!confirmDiscard())
        return;
    const QString dir = QFileDialog::getExistingDirectory(
        this, tr("Open the folder holding clp.conf and scripts/"));
    if (dir.isEmpty())
        return;
    QString error;
    if (!openDirectory(dir, &error))
        QMessageBox::warning(this, tr("Open"), error);
}

bool MainWindow::save() {
    if (!document_)
        return false;
    if (document_->directory().isEmpty())
        return saveAs();
    QString error;
    if (!saveTo(document_->directory(), &error)) {
        QMessageBox::warning(this, tr("Save"), error);
        return false;
    }
    return true;
}

bool MainWindow::saveAs() {
    if (!document_)
        return false;
    const QString dir =
        QFileDialog::getExistingDirectory(this, tr("Save clp.conf and scripts/ in the folder"));
    if (dir.isEmpty())
        return false;
    QString error;
    if (!saveTo(dir, &error)) {
        QMessageBox::warning(this, tr("Save As"), error);
        return false;
    }
    return true;
}

bool MainWindow::confirmDiscard() {
    if (!isWindowModified())
        return true;
    QMessageBox box(QMessageBox::Question, tr("Unsaved changes"),
                    tr("The configuration has unsaved changes. Save them?"),
                    QMessageBox::Save | QMessageBox::Discard | QMessageBox::Cancel, this);
    box.setObjectName(QStringLiteral("confirmDiscard"));
    box.setDefaultButton(QMessageBox::Save);
    switch (box.exec()) {
    case QMessageBox::Save:
        return save();
    case QMessageBox::Discard:
        return true;
    default:
        return false;
    }
}

void MainWindow::closeEvent(QCloseEvent* event) {
    if (confirmDiscard())
        event->accept();
    else
        event->ignore();
}

} // namespace lifeline::builder
