#pragma once

#include "RemoteCluster.h"

#include <QWidget>

class QLineEdit;
class QLabel;
class QProgressBar;

namespace lifeline::builder {

// WebManager URL, user and password (Get / Apply Configuration), the progress while a
// request is under way and its outcome. The URL and user are remembered (QSettings), the
// password is not.
class RemoteClusterForm : public QWidget {
    Q_OBJECT
public:
    explicit RemoteClusterForm(QWidget* parent = nullptr);

    QLineEdit* urlEdit() const { return url_; }
    QLineEdit* userEdit() const { return user_; }
    QLineEdit* passwordEdit() const { return password_; }
    QLabel* statusLabel() const { return status_; }

    // Gives RemoteCluster::shared() the endpoint typed here.
    RemoteCluster& cluster();
    void setBusy(bool busy, const QString& text = {});
    void showOutcome(bool ok, const QString& text);

    // An answer refused for an unknown certificate: shows its fingerprint and asks, as ssh
    // does; true when the user trusts it (and it is remembered: ask again).
    static bool askTrust(QWidget* parent, RemoteCluster& cluster, const RemoteCluster::Answer& answer);

private:
    QLineEdit* url_;
    QLineEdit* user_;
    QLineEdit* password_;
    QProgressBar* progress_;
    QLabel* status_;
};

} // namespace lifeline::builder
