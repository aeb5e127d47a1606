#include "PropertyDialog.h"

#include "ClusterPropertyPage.h"
#include "ConfigCheck.h"
#include "GroupPropertyPage.h"
#include "InterconnectPropertyPage.h"
#include "MonitorPropertyPage.h"
#include "NpPropertyPage.h"
#include "ResourcePropertyPage.h"
#include "ServerPropertyPage.h"
#include "ValidationLabel.h"

#include <QDialogButtonBox>
#include <QPushButton>
#include <QScrollArea>
#include <QVBoxLayout>

namespace lifeline::builder {

using Kind = ConfigTreeModel::Kind;

PropertyPage* PropertyDialog::makePage(Kind kind, const QString& name, QWidget* parent) {
    switch (kind) {
    case Kind::Cluster:
        return new ClusterPropertyPage(parent);
    case Kind::Server:
        return new ServerPropertyPage(name, parent);
    case Kind::Heartbeat:
        return new InterconnectPropertyPage(name, parent);
    case Kind::NpResource:
        return new NpPropertyPage(name, parent);
    case Kind::Group:
        return new GroupPropertyPage(name, parent);
    case Kind::Resource:
        return new ResourcePropertyPage(name, parent);
    case Kind::Monitor:
        return new MonitorPropertyPage(name, parent);
    case Kind::Folder:
        break;
    }
    return nullptr;
}

PropertyDialog::PropertyDialog(const BuilderDocument& document, Kind kind, const QString& name,
                               QWidget* parent)
    : QDialog(parent), document_(document),
      base_{document.config(), document.scripts()},
      what_(kind == Kind::Cluster ? tr("cluster properties") : tr("properties of %1").arg(name)),
      page_(makePage(kind, name, this)), validation_(new ValidationLabel(this)),
      buttons_(new QDialogButtonBox(
          QDialogButtonBox::Ok | QDialogButtonBox::Apply | QDialogButtonBox::Cancel, this)) {
    setObjectName(QStringLiteral("propertyDialog"));
    setWindowTitle(kind == Kind::Cluster ? tr("Cluster Properties")
                                         : tr("%1 Properties").arg(name));
    resize(640, 560);
    auto* layout = new QVBoxLayout(this);
    layout->addWidget(page_, 1);
    auto* scroll = new QScrollArea(this);
    scroll->setWidget(validation_);
    scroll->setWidgetResizable(true);
    scroll->setMaximumHeight(110);
    scroll->setFrameShape(QFrame::NoFrame);
    layout->addWidget(scroll);
    layout->addWidget(buttons_);
    page_->load(base_.config, base_.scripts);
    connect(page_, &PropertyPage::changed, this, &PropertyDialog::recheck);
    connect(buttons_, &QDialogButtonBox::rejected, this, &QDialog::reject);
    connect(buttons_->button(QDialogButtonBox::Ok), &QPushButton::clicked, this, [this] {
        apply();
        accept();
    });
    connect(buttons_->button(QDialogButtonBox::Apply), &QPushButton::clicked, this,
            &PropertyDialog::apply);
    recheck();
}

Content PropertyDialog::edited() const {
    Content content = base_;
    page_->store(content.config, content.scripts);
    return content;
}

bool PropertyDialog::canApply() const {
    return !validation_->hasErrors();
}

void PropertyDialog::recheck() {
    const Content content = edited();
    validation_->display(checkConfig(content.config, &document_.document(), content.scripts),
                         [this](const config::Diagnostic& d) { return page_->concerns(d); });
    if (validation_->messages().isEmpty())
        validation_->setText(tr("clpcfchk finds no error and no warning here."));
    for (auto b : {QDialogButtonBox::Ok, QDialogButtonBox::Apply})
        buttons_->button(b)->setEnabled(canApply());
}

// Apply keeps the dialog open on the applied content.
void PropertyDialog::apply() {
    if (!canApply())
        return;
    const Content content = edited();
    base_ = content;
    page_->rebase(page_->editedName(), base_.config, base_.scripts);
    emit applied(content, what_);
}

} // namespace lifeline::builder
