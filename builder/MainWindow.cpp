#include "MainWindow.h"

#include "ClusterWizard.h"
#include "ConfigTreeModel.h"
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

namespace lifeline::builder {

MainWindow::MainWindow(QWidget* parent)
    : QMainWindow(parent), model_(new ConfigTreeModel(this)), tree_(new QTreeView(this)),
      properties_(new PropertyView(this)), findings_(new ValidationLabel(this)) {
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
    file->addSeparator();
    file->addAction(tr("&Quit"), QKeySequence::Quit, this, &QWidget::close);

    connect(tree_->selectionModel(), &QItemSelectionModel::currentChanged, this,
            &MainWindow::showSelected);
    updateTitle();
}

void MainWindow::setDocument(const BuilderDocument& document, bool modified) {
    document_ = document;
    model_->rebuild(document_->config());
    tree_->expandToDepth(2);
    tree_->setCurrentIndex(model_->index(0, 0));
    findings_->display(document_->check(), [](const config::Diagnostic&) { return true; });
    if (findings_->messages().isEmpty())
        findings_->setText(tr("clpcfchk finds no error and no warning."));
    setWindowModified(modified);
    updateTitle();
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
    setWindowModified(false);
    updateTitle();
    return true;
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
