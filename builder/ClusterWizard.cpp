#include "ClusterWizard.h"

#include "ClusterPage.h"
#include "ConfigCheck.h"
#include "GroupsPage.h"
#include "InterconnectPage.h"
#include "MonitorsPage.h"
#include "NpPage.h"
#include "ResourcesPage.h"
#include "ServersPage.h"
#include "StandardScripts.h"

namespace lifeline::builder {

using namespace config;

ClusterWizard::ClusterWizard(QWidget* parent) : QWizard(parent) {
    setObjectName(QStringLiteral("clusterWizard"));
    setWindowTitle(tr("Cluster Generation Wizard"));
    setWizardStyle(QWizard::ClassicStyle);
    setOption(QWizard::NoBackButtonOnStartPage);
    resize(820, 620);
    // The user-mode monitor is there from the start, as in the manual.
    Monitor userw;
    userw.type = QStringLiteral("userw");
    userw.name = QStringLiteral("userw");
    draft_.monitors << userw;
    setPage(ClusterPageId, new ClusterPage(this));
    setPage(ServersPageId, new ServersPage(this));
    setPage(InterconnectPageId, new InterconnectPage(this));
    setPage(NpPageId, new NpPage(this));
    setPage(GroupsPageId, new GroupsPage(this));
    setPage(ResourcesPageId, new ResourcesPage(this));
    setPage(MonitorsPageId, new MonitorsPage(this));
    recheck();
}

QList<ConfigPackage::File> ClusterWizard::scripts() const {
    QList<ConfigPackage::File> out;
    for (const auto& r : draft_.resources) {
        const auto* group = draft_.groupOf(r.name);
        if (r.type != QLatin1String("exec") || !group)
            continue;
        for (const auto& [key, fallback] :
             {std::pair{QStringLiteral("act/path"), standardStartScript()},
              std::pair{QStringLiteral("deact/path"), standardStopScript()}}) {
            const QString script = r.param(key);
            if (script.isEmpty() || script.startsWith(QLatin1Char('/')))
                continue;
            const QString text = scriptTexts_.value(r.name + QLatin1Char('/') + script, fallback);
            out << ConfigPackage::File{group->name + QLatin1Char('/') + r.name + QLatin1Char('/') +
                                           script,
                                       text.toUtf8(), 0755};
        }
    }
    return out;
}

void ClusterWizard::recheck() {
    diagnostics_ = checkConfig(draft_, nullptr, scripts());
    for (int id : pageIds())
        if (auto* p = qobject_cast<WizardPage*>(page(id)))
            p->showDiagnostics(diagnostics_);
}

} // namespace lifeline::builder
