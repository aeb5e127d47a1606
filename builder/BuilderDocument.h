#pragma once

#include "ClusterConfig.h"
#include "ConfigDocument.h"
#include "ConfigPackage.h"
#include "Diagnostic.h"

#include <optional>

namespace lifeline::builder {

// The configuration the Builder edits: the typed model (server/config), the file it
// came from (kept whole so that elements Lifeline does not model survive a save) and
// the scripts that travel with it. Saved as DIR/clp.conf + DIR/scripts/.
class BuilderDocument {
public:
    // A configuration made by the wizard, not saved yet.
    static BuilderDocument create(const config::ClusterConfig& config,
                                  const QList<config::ConfigPackage::File>& scripts);
    // DIR/clp.conf and DIR/scripts/ (DIR may also name the clp.conf itself). A file
    // with errors opens (they are shown); one that is not XML does not.
    static std::optional<BuilderDocument> open(const QString& path, QString* error);
    // A configuration got from a running cluster (File → Get Configuration), saved
    // nowhere yet; `origin` names it in messages (the WebManager's URL).
    static std::optional<BuilderDocument> fromPackage(const config::ConfigPackage& package,
                                                      const QString& origin, QString* error);
    // clp.conf as it would be saved, with the scripts (File → Apply Configuration).
    std::optional<config::ConfigPackage> package(QString* error) const;

    // Writes DIR/clp.conf (the previous one kept as clp.conf.bak) and DIR/scripts/.
    bool save(const QString& dir, QString* error);

    // Writes DIR/clp.conf and DIR/scripts/ as a Builder on `format` saves them
    // (Windows: CRLF line endings, what `clpcfctrl --push -w` reads; Linux: LF),
    // without changing where the document is saved.
    bool exportTo(const QString& dir, config::ConfigPackage::Format format,
                  QString* error) const;

    // An edit (the tree, a property page, an undo): the new model and scripts.
    void setContent(const config::ClusterConfig& config,
                    const QList<config::ConfigPackage::File>& scripts);

    // clpcfchk's findings on the configuration as it would be saved.
    config::Diagnostics check() const;

    const config::ClusterConfig& config() const { return config_; }
    const QList<config::ConfigPackage::File>& scripts() const { return scripts_; }
    const config::ConfigDocument& document() const { return document_; }
    QString directory() const { return directory_; } // empty until saved or opened

private:
    config::ConfigDocument document_;
    config::ClusterConfig config_;
    QList<config::ConfigPackage::File> scripts_;
    QString directory_;
};

} // namespace lifeline::builder
