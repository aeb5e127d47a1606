#pragma once

#include "BuilderDocument.h"
#include "ConfigPackage.h"

#include <QDialog>

class QPlainTextEdit;
class QPushButton;

namespace lifeline::builder {

class RemoteClusterForm;

// File → Apply Configuration: the configuration to every server through a WebManager
// (POST /api/v1/configuration). The cluster's lifelined checks it, decides what the change
// needs and uploads only when the cluster is in that state; the dialog shows its answer in
// clpcfctrl's words (the required operation, e.g. "To apply the changes you made, suspend
// the cluster.", or "The upload is completed successfully.(cfmgr:0)") with each server's
// progress. Do what it asks (WebManager console, clpcl) and apply again.
class ApplyDialog : public QDialog {
    Q_OBJECT
public:
    ApplyDialog(config::ConfigPackage package, QWidget* parent = nullptr);

    RemoteClusterForm* form() const { return form_; }
    QPushButton* applyButton() const { return apply_; }
    QPlainTextEdit* output() const { return output_; }
    // "" until an answer came; then the operation the change needs ("suspend-cluster").
    QString operation() const { return operation_; }
    bool uploaded() const { return uploaded_; }

    // Modal, for the document as it is now (File → Apply Configuration).
    static void run(QWidget* parent, const std::optional<BuilderDocument>& document);

signals:
    void answered(bool uploaded);

private:
    void submit();

    config::ConfigPackage package_;
    RemoteClusterForm* form_;
    QPushButton* apply_;
    QPlainTextEdit* output_;
    QString operation_;
    bool uploaded_ = false;
};

} // namespace lifeline::builder
