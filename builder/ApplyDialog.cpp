#include "ApplyDialog.h"

#include "RemoteClusterForm.h"

#include <QDialogButtonBox>
#include <QJsonArray>
#include <QLabel>
#include <QMessageBox>
#include <QPlainTextEdit>
#include <QPointer>
#include <QPushButton>
#include <QVBoxLayout>

namespace lifeline::builder {

ApplyDialog::ApplyDialog(config::ConfigPackage package, QWidget* parent)
    : QDialog(parent), package_(std::move(package)), form_(new RemoteClusterForm(this)),
      output_(new QPlainTextEdit(this)) {
    setObjectName(QStringLiteral("applyDialog"));
    setWindowTitle(tr("Apply Configuration"));
    output_->setObjectName(QStringLiteral("applyOutput"));
    output_->setReadOnly(true);
    output_->setPlaceholderText(
        tr("The cluster answers with the operation the change needs (nothing, suspend or stop "
           "the cluster, ...) and uploads it only when the cluster is in that state."));
    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Close, this);
    apply_ = buttons->addButton(tr("&Apply"), QDialogButtonBox::ActionRole);
    apply_->setObjectName(QStringLiteral("applyButton"));
    apply_->setDefault(true);
    connect(apply_, &QPushButton::clicked, this, &ApplyDialog::submit);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    auto* layout = new QVBoxLayout(this);
    layout->addWidget(form_);
    layout->addWidget(output_, 1);
    layout->addWidget(buttons);
    resize(620, 420);
}

void ApplyDialog::submit() {
    auto& cluster = form_->cluster();
    apply_->setEnabled(false);
    output_->clear();
    form_->setBusy(true, tr("Checking and uploading to every server through %1...")
                             .arg(cluster.url().toString()));
    cluster.applyConfiguration(package_, [this, self = QPointer<ApplyDialog>(this),
                                          &cluster](const RemoteCluster::Answer& a) {
        if (!self)
            return;
        apply_->setEnabled(true);
        if (RemoteClusterForm::askTrust(this, cluster, a)) {
            submit();
            return;
        }
        // A refusal of the cluster is no failure of the request: both carry clpcfctrl's words.
        const bool answeredByCluster = a.body.contains(QLatin1String("uploaded"));
        uploaded_ = a.body.value("uploaded").toBool();
        operation_ = a.body.value("operation").toString();
        QString text = a.body.value("progress").toString();
        text += answeredByCluster ? a.body.value("result").toObject().value("message").toString()
                                  : a.message;
        output_->setPlainText(text);
        QString outcome = uploaded_ ? tr("Applied.") : tr("Not applied; nothing changed.");
        if (!operation_.isEmpty())
            outcome += QLatin1Char(' ') + tr("The change needs: %1.").arg(operation_);
        form_->showOutcome(uploaded_, answeredByCluster ? outcome : a.message);
        emit answered(uploaded_);
    });
}

void ApplyDialog::run(QWidget* parent, const std::optional<BuilderDocument>& document) {
    QString error = tr("there is no configuration to apply: make one with the wizard, open or get one");
    const auto package = document ? document->package(&error) : std::nullopt;
    if (!package) {
        QMessageBox::warning(parent, tr("Apply Configuration"), error);
        return;
    }
    ApplyDialog dialog(*package, parent);
    dialog.exec();
}

} // namespace lifeline::builder
