#pragma once

#include "BuilderDocument.h"

#include <QDialog>
#include <optional>

class QPushButton;

namespace lifeline::builder {

class RemoteClusterForm;

// File → Get Configuration: the running cluster's clp.conf and scripts/ through a WebManager
// (GET /api/v1/configuration), opened as a new, unsaved configuration.
class GetDialog : public QDialog {
    Q_OBJECT
public:
    explicit GetDialog(QWidget* parent = nullptr);

    RemoteClusterForm* form() const { return form_; }
    QPushButton* getButton() const { return get_; }
    // After accept(): the configuration got.
    const std::optional<BuilderDocument>& result() const { return result_; }

    // Modal; the configuration when one was got.
    static std::optional<BuilderDocument> run(QWidget* parent);

private:
    void fetch();

    RemoteClusterForm* form_;
    QPushButton* get_;
    std::optional<BuilderDocument> result_;
};

} // namespace lifeline::builder
