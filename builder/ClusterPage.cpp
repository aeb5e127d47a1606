#include "ClusterPage.h"

#include "ClusterWizard.h"

#include <QFormLayout>
#include <QLineEdit>

namespace lifeline::builder {

using namespace config;

ClusterPage::ClusterPage(ClusterWizard* wizard)
    : WizardPage(wizard), name_(new QLineEdit(this)), comment_(new QLineEdit(this)),
      managementIp_(new QLineEdit(this)) {
    setTitle(tr("Cluster Definition"));
    setSubTitle(tr("Name the cluster. The management IP address is a floating address the "
                   "WebManager is reached at, wherever it runs."));
    name_->setObjectName(QStringLiteral("clusterName"));
    comment_->setObjectName(QStringLiteral("clusterComment"));
    managementIp_->setObjectName(QStringLiteral("managementIp"));
    managementIp_->setPlaceholderText(tr("optional, e.g. 198.18.0.50"));
    auto* form = new QFormLayout;
    form->addRow(tr("Name:"), name_);
    form->addRow(tr("Comment:"), comment_);
    form->addRow(tr("Management IP address:"), managementIp_);
    setBody(form);
    for (auto* line : {name_, comment_, managementIp_})
        connect(line, &QLineEdit::textChanged, this, &ClusterPage::apply);
}

void ClusterPage::initializePage() {
    const auto& c = draft();
    const QSignalBlocker b1(name_), b2(comment_), b3(managementIp_);
    name_->setText(c.cluster.name);
    comment_->setText(c.cluster.comment);
    const auto* ip = c.resource(QLatin1String(kManagementIp));
    managementIp_->setText(ip ? ip->param(QStringLiteral("ip")) : QString());
}

void ClusterPage::apply() {
    auto& c = draft();
    c.cluster.name = name_->text().trimmed();
    c.cluster.comment = comment_->text();
    const QString group = QLatin1String(kManagementGroup);
    const QString fip = QLatin1String(kManagementIp);
    c.groups.removeIf([&](const Group& g) { return g.name == group; });
    c.resources.removeIf([&](const Resource& r) { return r.name == fip; });
    const QString ip = managementIp_->text().trimmed();
    if (!ip.isEmpty()) {
        Group g;
        g.name = group;
        g.type = QStringLiteral("cluster");
        g.resourceRefs << QStringLiteral("fip@") + fip;
        c.groups.prepend(g);
        Resource r;
        r.type = QStringLiteral("fip");
        r.name = fip;
        r.parameters.insert(QStringLiteral("ip"), ip);
        c.resources.prepend(r);
    }
    changed();
}

bool ClusterPage::concerns(const Diagnostic& d) const {
    return (d.path.startsWith(QLatin1String("cluster")) &&
            !d.path.startsWith(QLatin1String("cluster / networkpartition"))) ||
           d.path.startsWith(QLatin1String("all")) ||
           d.path.startsWith(QStringLiteral("group \"%1\"").arg(QLatin1String(kManagementGroup)));
}

} // namespace lifeline::builder
