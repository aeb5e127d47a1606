#include "RemoteClusterForm.h"

#include <QFormLayout>
#include <QLabel>
#include <QLineEdit>
#include <QMessageBox>
#include <QProgressBar>
#include <QSettings>

namespace lifeline::builder {

RemoteClusterForm::RemoteClusterForm(QWidget* parent)
    : QWidget(parent), url_(new QLineEdit(this)), user_(new QLineEdit(this)),
      password_(new QLineEdit(this)), progress_(new QProgressBar(this)), status_(new QLabel(this)) {
    url_->setObjectName(QStringLiteral("remoteUrl"));
    user_->setObjectName(QStringLiteral("remoteUser"));
    password_->setObjectName(QStringLiteral("remotePassword"));
    status_->setObjectName(QStringLiteral("remoteStatus"));
    progress_->setObjectName(QStringLiteral("remoteProgress"));
    password_->setEchoMode(QLineEdit::Password);
    url_->setPlaceholderText(QStringLiteral("https://server1:29003"));
    QSettings settings;
    url_->setText(settings.value(QStringLiteral("remote/url")).toString());
    user_->setText(settings.value(QStringLiteral("remote/user"), QStringLiteral("operator")).toString());
    progress_->setRange(0, 0); // busy: the WebManager says nothing about how far it is
    progress_->setVisible(false);
    status_->setWordWrap(true);
    status_->setTextInteractionFlags(Qt::TextSelectableByMouse);
    auto* layout = new QFormLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addRow(tr("WebManager &URL:"), url_);
    layout->addRow(tr("&User:"), user_);
    layout->addRow(tr("&Password:"), password_);
    layout->addRow(progress_);
    layout->addRow(status_);
}

RemoteCluster& RemoteClusterForm::cluster() {
    auto& c = RemoteCluster::shared();
    c.setEndpoint(url_->text(), user_->text(), password_->text());
    QSettings settings;
    settings.setValue(QStringLiteral("remote/url"), url_->text().trimmed());
    settings.setValue(QStringLiteral("remote/user"), user_->text());
    return c;
}

void RemoteClusterForm::setBusy(bool busy, const QString& text) {
    progress_->setVisible(busy);
    url_->setEnabled(!busy);
    user_->setEnabled(!busy);
    password_->setEnabled(!busy);
    if (busy) {
        status_->setStyleSheet(QString());
        status_->setText(text);
    }
}

void RemoteClusterForm::showOutcome(bool ok, const QString& text) {
    setBusy(false);
    status_->setStyleSheet(ok ? QString() : QStringLiteral("color: #b00020;"));
    status_->setText(text);
}

bool RemoteClusterForm::askTrust(QWidget* parent, RemoteCluster& cluster,
                                 const RemoteCluster::Answer& answer) {
    if (answer.untrusted.isEmpty())
        return false;
    const auto choice = QMessageBox::question(
        parent, tr("Unknown certificate"),
        tr("The authenticity of the WebManager at %1 cannot be established.\n"
           "Its certificate's SHA-256 fingerprint is\n%2\n\n"
           "Compare it with the one on the server (openssl x509 -noout -fingerprint -sha256 -in "
           "/etc/lifeline/webmgr/server.crt). Trust this certificate and continue?")
            .arg(cluster.url().toString(), RemoteCluster::formatFingerprint(answer.untrusted)),
        QMessageBox::Yes | QMessageBox::No, QMessageBox::No);
    if (choice != QMessageBox::Yes)
        return false;
    cluster.trust(answer.untrusted);
    return true;
}

} // namespace lifeline::builder
