#include "ResourcePropertyPage.h"

#include "ParameterForm.h"
#include "ResourceRecoveryBox.h"

#include <QFormLayout>
#include <QLabel>
#include <QListWidget>
#include <QPlainTextEdit>
#include <QTabWidget>
#include <QVBoxLayout>

namespace lifeline::builder {

using namespace config;

namespace {
const QString kStart = QStringLiteral("act/path");
const QString kStop = QStringLiteral("deact/path");
} // namespace

ResourcePropertyPage::ResourcePropertyPage(const QString& name, QWidget* parent)
    : PropertyPage(name, parent), type_(new QLabel(this)), parameters_(new ParameterForm(this)),
      depends_(new QListWidget(this)), recovery_(new ResourceRecoveryBox(this)),
      scripts_(new QWidget(this)), startScript_(new QPlainTextEdit(this)),
      stopScript_(new QPlainTextEdit(this)) {
    setObjectName(QStringLiteral("resourceProperties"));
    type_->setObjectName(QStringLiteral("resourceType"));
    parameters_->setObjectName(QStringLiteral("resourceParameters"));
    depends_->setObjectName(QStringLiteral("resourceDepends"));
    startScript_->setObjectName(QStringLiteral("startScript"));
    stopScript_->setObjectName(QStringLiteral("stopScript"));
    auto* tabs = new QTabWidget(this);
    auto* info = new QWidget(tabs);
    auto* form = new QFormLayout(info);
    addNameRows(form);
    form->addRow(tr("Type:"), type_);
    form->addRow(parameters_);
    tabs->addTab(info, tr("Info"));
    tabs->addTab(depends_, tr("Dependency"));
    tabs->addTab(recovery_, tr("Recovery Operation"));
    auto* scriptTabs = new QTabWidget(scripts_);
    scriptTabs->addTab(startScript_, QStringLiteral("start"));
    scriptTabs->addTab(stopScript_, QStringLiteral("stop"));
    auto* scriptLayout = new QVBoxLayout(scripts_);
    scriptLayout->setContentsMargins(0, 0, 0, 0);
    scriptLayout->addWidget(scriptTabs);
    tabs->addTab(scripts_, tr("Scripts"));
    tabs->setObjectName(QStringLiteral("resourceTabs"));
    (new QVBoxLayout(this))->addWidget(tabs);
    connect(recovery_, &ResourceRecoveryBox::changed, this, &PropertyPage::changed);
    watch({parameters_, depends_, startScript_, stopScript_});
}

QString ResourcePropertyPage::scriptPath(const ClusterConfig& c, const Resource& r,
                                         const QString& key) {
    const auto* g = c.groupOf(r.name);
    const QString file = r.param(key);
    if (!g || file.isEmpty() || file.startsWith(QLatin1Char('/')))
        return QString();
    return g->name + QLatin1Char('/') + r.name + QLatin1Char('/') + file;
}

void ResourcePropertyPage::load(const ClusterConfig& c, const Scripts& scripts) {
    const Resource none;
    const Resource& r = c.resource(name_) ? *c.resource(name_) : none;
    loadNameRows(r.comment);
    type_->setText(r.type);
    parameters_->setType(schema::ObjectClass::Resource, r.type, {}, r.parameters);
    depends_->clear();
    if (const auto* g = c.groupOf(r.name))
        for (const auto& ref : g->resourceRefs) {
            const QString other = splitResourceRef(ref).second;
            if (other == r.name)
                continue;
            auto* item = new QListWidgetItem(other, depends_);
            item->setFlags(item->flags() | Qt::ItemIsUserCheckable);
            item->setCheckState(r.depends.contains(other) ? Qt::Checked : Qt::Unchecked);
        }
    recovery_->load(r);
    const bool exec = r.type == QLatin1String("exec");
    scripts_->setEnabled(exec);
    for (const auto& [key, edit] : {std::pair{kStart, startScript_}, std::pair{kStop, stopScript_}}) {
        const auto* f = ConfigPackage{QByteArray(), scripts}.script(scriptPath(c, r, key));
        edit->setPlainText(exec && f ? QString::fromUtf8(f->data) : QString());
    }
}

void ResourcePropertyPage::store(ClusterConfig& c, Scripts& scripts) const {
    auto* r = edits::find(c.resources, storeName(c, scripts, ConfigTreeModel::Kind::Resource));
    if (!r)
        return;
    r->comment = comment();
    parameters_->storeInto(r->parameters);
    r->depends.clear();
    for (int row = 0; row < depends_->count(); ++row)
        if (depends_->item(row)->checkState() == Qt::Checked)
            r->depends << depends_->item(row)->text();
    recovery_->store(*r);
    if (r->type != QLatin1String("exec"))
        return;
    for (const auto& [key, edit] : {std::pair{kStart, startScript_}, std::pair{kStop, stopScript_}}) {
        const QString path = scriptPath(c, *r, key);
        if (path.isEmpty())
            continue;
        const QByteArray data = edit->toPlainText().toUtf8();
        auto it = std::find_if(scripts.begin(), scripts.end(),
                               [&](const ConfigPackage::File& f) { return f.path == path; });
        if (it == scripts.end() && !data.isEmpty())
            scripts << ConfigPackage::File{path, data, 0755};
        else if (it == scripts.end())
            continue;
        else if (it->data != data)
            it->data = data;
    }
}

bool ResourcePropertyPage::concerns(const Diagnostic& d) const {
    return d.path.contains(QStringLiteral("resource \"%1\"").arg(editedName()));
}

} // namespace lifeline::builder
