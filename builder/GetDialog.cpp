#include "GetDialog.h"

#include "RemoteClusterForm.h"

#include <QDialogButtonBox>
#include <QPointer>
#include <QPushButton>
#include <QVBoxLayout>

namespace lifeline::builder {

GetDialog::GetDialog(QWidget* parent) : QDialog(parent), form_(new RemoteClusterForm(this)) {
    setObjectName(QStringLiteral("getDialog"));
    setWindowTitle(tr("Get Configuration"));
    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Cancel, this);
    get_ = buttons->addButton(tr("&Get"), QDialogButtonBox::ActionRole);
    get_->setObjectName(QStringLiteral("getButton"));
    get_->setDefault(true);
    connect(get_, &QPushButton::clicked, this, &GetDialog::fetch);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    auto* layout = new QVBoxLayout(this);
    layout->addWidget(form_);
    layout->addWidget(buttons);
    resize(520, height());
}

void GetDialog::fetch() {
    auto& cluster = form_->cluster();
    get_->setEnabled(false);
    form_->setBusy(true, tr("Getting the configuration from %1...").arg(cluster.url().toString()));
    // The dialog may be closed before the answer comes.
    cluster.getConfiguration([this, self = QPointer<GetDialog>(this), &cluster](
                                 std::optional<config::ConfigPackage> package,
                                 const RemoteCluster::Answer& a) {
        if (!self)
            return;
        get_->setEnabled(true);
        if (!package) {
            form_->showOutcome(false, a.message);
            if (RemoteClusterForm::askTrust(this, cluster, a))
                fetch();
            return;
        }
        QString error;
        const QString origin = cluster.url().toString() + QStringLiteral("/api/v1/configuration");
        result_ = BuilderDocument::fromPackage(*package, origin, &error);
        if (!result_) {
            form_->showOutcome(false, QStringLiteral("%1: %2").arg(origin, error));
            return;
        }
        form_->showOutcome(true, tr("Got the configuration of cluster %1.")
                                     .arg(result_->config().cluster.name));
        accept();
    });
}

std::optional<BuilderDocument> GetDialog::run(QWidget* parent) {
    GetDialog dialog(parent);
    if (dialog.exec() != QDialog::Accepted)
        return std::nullopt;
    return dialog.result();
}

} // namespace lifeline::builder
