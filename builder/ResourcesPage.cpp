#include "ResourcesPage.h"

#include "ClusterPage.h"
#include "ClusterWizard.h"
#include "ConfigEdits.h"
#include "NameRules.h"
#include "ParameterForm.h"
#include "ResourceRecoveryBox.h"
#include "StandardScripts.h"
#include "Widgets.h"

#include <QComboBox>
#include <QFormLayout>
#include <QGridLayout>
#include <QGroupBox>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSpinBox>
#include <QTabWidget>

namespace lifeline::builder {

using namespace config;

namespace {

// The types the wizard offers and the parameters it shows for each (the rest keep
// their defaults; property pages will show them all).
const QMap<QString, QStringList>& mainParameters() {
    static const QMap<QString, QStringList> keys{
        {QStringLiteral("fip"), {QStringLiteral("ip")}},
        {QStringLiteral("disk"),
         {QStringLiteral("disktype"), QStringLiteral("device"), QStringLiteral("fs"),
          QStringLiteral("mount/point")}},
        {QStringLiteral("exec"), {QStringLiteral("act/sync")}},
        {QStringLiteral("volmgr"), {QStringLiteral("type"), QStringLiteral("devname")}}};
    return keys;
}

QString scriptKey(const QString& resource, const QString& script) {
    return resource + QLatin1Char('/') + script;
}

} // namespace

ResourcesPage::ResourcesPage(ClusterWizard* wizard)
    : WizardPage(wizard), groupBox_(new QComboBox(this)), list_(new QListWidget(this)),
      newType_(new QComboBox(this)), details_(new QWidget(this)), name_(new QLineEdit(this)),
      type_(new QLabel(this)), parameters_(new ParameterForm(this)),
      depends_(new QListWidget(this)), recovery_(new ResourceRecoveryBox(this)), scripts_(new QWidget(this)),
      startScript_(new QPlainTextEdit(this)), stopScript_(new QPlainTextEdit(this)) {
    setTitle(tr("Group Resources"));
    setSubTitle(tr("Add the resources of each group. A resource is activated after the ones "
                   "it depends on (none checked: the default order)."));
    groupBox_->setObjectName(QStringLiteral("resourceGroup"));
    list_->setObjectName(QStringLiteral("resourceList"));
    newType_->setObjectName(QStringLiteral("newResourceType"));
    newType_->addItems(mainParameters().keys());
    name_->setObjectName(QStringLiteral("resourceName"));
    type_->setObjectName(QStringLiteral("resourceType"));
    parameters_->setObjectName(QStringLiteral("resourceParameters"));
    depends_->setObjectName(QStringLiteral("resourceDepends"));
    startScript_->setObjectName(QStringLiteral("startScript"));
    stopScript_->setObjectName(QStringLiteral("stopScript"));
    auto* add = widgets::button(this, tr("Add"), "addResource");
    auto* remove = widgets::button(this, tr("Remove"), "removeResource");

    auto* tabs = new QTabWidget(details_);
    auto* general = new QWidget(tabs);
    auto* generalForm = new QFormLayout(general);
    generalForm->addRow(tr("Name:"), name_);
    generalForm->addRow(tr("Type:"), type_);
    generalForm->addRow(parameters_);
    tabs->addTab(general, tr("Details"));
    tabs->addTab(depends_, tr("Dependent Resources"));
    tabs->addTab(recovery_, tr("Recovery Operation"));
    auto* scriptTabs = new QTabWidget(scripts_);
    scriptTabs->addTab(startScript_, QStringLiteral("start.sh"));
    scriptTabs->addTab(stopScript_, QStringLiteral("stop.sh"));
    auto* scriptLayout = new QVBoxLayout(scripts_);
    scriptLayout->setContentsMargins(0, 0, 0, 0);
    scriptLayout->addWidget(scriptTabs);
    tabs->addTab(scripts_, tr("Scripts"));
    tabs->setObjectName(QStringLiteral("resourceTabs"));
    auto* detailLayout = new QVBoxLayout(details_);
    detailLayout->setContentsMargins(0, 0, 0, 0);
    detailLayout->addWidget(tabs);

    auto* grid = new QGridLayout;
    auto* groupRow = new QFormLayout;
    groupRow->addRow(tr("Group:"), groupBox_);
    grid->addLayout(groupRow, 0, 0, 1, 3);
    grid->addWidget(list_, 1, 0, 4, 1);
    grid->addWidget(newType_, 1, 1);
    grid->addWidget(add, 2, 1);
    grid->addWidget(remove, 3, 1);
    grid->addWidget(details_, 1, 2, 4, 1);
    grid->setColumnStretch(0, 1);
    grid->setColumnStretch(2, 3);
    grid->setRowStretch(4, 1);
    setBody(grid);

    connect(groupBox_, &QComboBox::currentIndexChanged, this, &ResourcesPage::showGroup);
    connect(add, &QPushButton::clicked, this, &ResourcesPage::addResource);
    connect(remove, &QPushButton::clicked, this, &ResourcesPage::removeResource);
    connect(list_, &QListWidget::currentRowChanged, this, &ResourcesPage::select);
    connect(name_, &QLineEdit::textChanged, this, &ResourcesPage::apply);
    connect(parameters_, &ParameterForm::changed, this, &ResourcesPage::apply);
    connect(depends_, &QListWidget::itemChanged, this, &ResourcesPage::apply);
    connect(recovery_, &ResourceRecoveryBox::changed, this, &ResourcesPage::apply);
    for (auto* edit : {startScript_, stopScript_})
        connect(edit, &QPlainTextEdit::textChanged, this, &ResourcesPage::apply);
}

Group* ResourcesPage::group() {
    for (auto& g : draft().groups)
        if (g.name == groupBox_->currentText() && g.type != QLatin1String("cluster"))
            return &g;
    return nullptr;
}

Resource* ResourcesPage::current() {
    auto* g = group();
    auto* item = list_->currentItem();
    if (!g || !item)
        return nullptr;
    for (auto& r : draft().resources)
        if (r.name == item->text())
            return &r;
    return nullptr;
}

void ResourcesPage::initializePage() {
    const QString was = groupBox_->currentText();
    {
        const QSignalBlocker blocker(groupBox_);
        groupBox_->clear();
        for (const auto& g : draft().groups)
            if (g.type != QLatin1String("cluster"))
                groupBox_->addItem(g.name);
        groupBox_->setCurrentIndex(std::max(0, groupBox_->findText(was)));
    }
    showGroup();
}

void ResourcesPage::showGroup() {
    const auto* g = group();
    {
        const QSignalBlocker blocker(list_);
        list_->clear();
        if (g)
            for (const auto& ref : g->resourceRefs)
                list_->addItem(splitResourceRef(ref).second);
    }
    list_->setCurrentRow(list_->count() > 0 ? 0 : -1);
    select();
}

void ResourcesPage::addResource() {
    auto* g = group();
    if (!g)
        return;
    Resource r;
    r.type = newType_->currentText();
    r.name = uniqueName(r.type, draft());
    draft().resources << r;
    g->resourceRefs << r.type + QLatin1Char('@') + r.name;
    if (r.type == QLatin1String("exec")) {
        clusterWizard()->scriptTexts().insert(scriptKey(r.name, QStringLiteral("start.sh")),
                                              standardStartScript());
        clusterWizard()->scriptTexts().insert(scriptKey(r.name, QStringLiteral("stop.sh")),
                                              standardStopScript());
    }
    list_->addItem(r.name);
    list_->setCurrentRow(list_->count() - 1);
    changed();
}

void ResourcesPage::removeResource() {
    auto* r = current();
    if (!r)
        return;
    edits::remove(draft(), nullptr, ConfigTreeModel::Kind::Resource, r->name);
    delete list_->takeItem(list_->currentRow());
    select();
    changed();
}

// Loads the selected resource into the details.
void ResourcesPage::select() {
    const auto* r = current();
    details_->setEnabled(r);
    const QSignalBlocker b1(name_), b2(parameters_), b3(depends_), b4(startScript_),
        b5(stopScript_);
    depends_->clear();
    if (!r) {
        name_->clear();
        type_->clear();
        parameters_->setType(schema::ObjectClass::Resource, QString(), {QStringLiteral("-")}, {});
        scripts_->setEnabled(false);
        return;
    }
    name_->setText(r->name);
    type_->setText(r->type);
    parameters_->setType(schema::ObjectClass::Resource, r->type, mainParameters().value(r->type),
                         r->parameters);
    for (const auto& ref : group()->resourceRefs) {
        const QString other = splitResourceRef(ref).second;
        if (other == r->name)
            continue;
        auto* item = new QListWidgetItem(other, depends_);
        item->setFlags(item->flags() | Qt::ItemIsUserCheckable);
        item->setCheckState(r->depends.contains(other) ? Qt::Checked : Qt::Unchecked);
    }
    recovery_->load(*r);
    const bool exec = r->type == QLatin1String("exec");
    scripts_->setEnabled(exec);
    const auto& texts = clusterWizard()->scriptTexts();
    startScript_->setPlainText(exec ? texts.value(scriptKey(r->name, QStringLiteral("start.sh")))
                                    : QString());
    stopScript_->setPlainText(exec ? texts.value(scriptKey(r->name, QStringLiteral("stop.sh")))
                                   : QString());
}

void ResourcesPage::apply() {
    auto* r = current();
    if (!r)
        return;
    const QString name = name_->text().trimmed();
    if (name != r->name) {
        rename(*r, name);
        list_->currentItem()->setText(name);
    }
    // Only the shown keys change; the others (set in a file, say) are kept.
    for (const auto& key : mainParameters().value(r->type))
        r->parameters.remove(key);
    r->parameters.insert(parameters_->values());
    r->depends.clear();
    for (int row = 0; row < depends_->count(); ++row)
        if (depends_->item(row)->checkState() == Qt::Checked)
            r->depends << depends_->item(row)->text();
    recovery_->store(*r);
    if (r->type == QLatin1String("exec")) {
        auto& texts = clusterWizard()->scriptTexts();
        texts.insert(scriptKey(r->name, QStringLiteral("start.sh")), startScript_->toPlainText());
        texts.insert(scriptKey(r->name, QStringLiteral("stop.sh")), stopScript_->toPlainText());
    }
    changed();
}

// A new name follows into the group's list, dependencies, monitors and scripts.
void ResourcesPage::rename(Resource& r, const QString& to) {
    const QString from = r.name;
    edits::rename(draft(), nullptr, ConfigTreeModel::Kind::Resource, from, to);
    auto& texts = clusterWizard()->scriptTexts();
    for (const auto& script : {QStringLiteral("start.sh"), QStringLiteral("stop.sh")})
        if (texts.contains(scriptKey(from, script)))
            texts.insert(scriptKey(to, script), texts.take(scriptKey(from, script)));
}

bool ResourcesPage::concerns(const Diagnostic& d) const {
    return d.path.contains(QLatin1String("resource \"")) &&
           !d.path.startsWith(
               QStringLiteral("group \"%1\"").arg(QLatin1String(ClusterPage::kManagementGroup)));
}

} // namespace lifeline::builder
