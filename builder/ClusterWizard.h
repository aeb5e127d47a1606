#pragma once

#include "ClusterConfig.h"
#include "ConfigPackage.h"
#include "Diagnostic.h"

#include <QMap>
#include <QWizard>

namespace lifeline::builder {

// The Cluster Generation Wizard, in the manual's order (digest §8.2): cluster,
// servers, interconnects, NP resolution, groups, resources, monitors. It builds a
// draft ClusterConfig (server/config's model) that every page edits, and checks it
// after each change.
class ClusterWizard : public QWizard {
    Q_OBJECT
public:
    enum PageId {
        ClusterPageId,
        ServersPageId,
        InterconnectPageId,
        NpPageId,
        GroupsPageId,
        ResourcesPageId,
        MonitorsPageId
    };

    explicit ClusterWizard(QWidget* parent = nullptr);

    config::ClusterConfig& draft() { return draft_; }
    const config::Diagnostics& diagnostics() const { return diagnostics_; }
    // The exec scripts by "<resource>/start.sh" (or stop.sh); written to
    // scripts/<group>/<resource>/ by scripts().
    QMap<QString, QString>& scriptTexts() { return scriptTexts_; }
    QList<config::ConfigPackage::File> scripts() const;

    // Checks the draft and shows the findings on every page.
    void recheck();

private:
    config::ClusterConfig draft_;
    config::Diagnostics diagnostics_;
    QMap<QString, QString> scriptTexts_;
};

} // namespace lifeline::builder
