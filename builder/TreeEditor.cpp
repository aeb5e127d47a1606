#include "TreeEditor.h"

#include "NameRules.h"
#include "PropertyDialog.h"
#include "PropertyPage.h"
#include "Schema.h"

#include <QAction>
#include <QInputDialog>
#include <QMenu>
#include <QMessageBox>
#include <QUndoStack>

#include <algorithm>

namespace lifeline::builder {

using namespace config;
using Kind = ConfigTreeModel::Kind;

namespace {

QStringList supportedTypes(schema::ObjectClass c) {
    QStringList out;
    for (const auto& t : schema::types(c))
        if (t.supported)
            out << QLatin1String(t.type);
    return out;
}

QString kindName(Kind kind) {
    switch (kind) {
    case Kind::Server:
        return QStringLiteral("server");
    case Kind::Group:
        return QStringLiteral("group");
    case Kind::Resource:
        return QStringLiteral("resource");
    case Kind::Monitor:
        return QStringLiteral("monitor");
    case Kind::Heartbeat:
        return QStringLiteral("interconnect");
    case Kind::NpResource:
        return QStringLiteral("NP resolution");
    default:
        return QStringLiteral("object");
    }
}

bool editable(Kind kind) {
    return kind == Kind::Server || kind == Kind::Group || kind == Kind::Resource ||
           kind == Kind::Monitor;
}

// Routes are added and deleted, not renamed (their names are the type's numbering).
bool removable(Kind kind) {
    return editable(kind) || kind == Kind::Heartbeat || kind == Kind::NpResource;
}

// "<type>N" with the smallest N from 1 that no route has yet (lanhb2, pingnp1 ...).
QString routeName(const QString& type, const ClusterConfig& c) {
    for (int n = 1;; ++n) {
        const QString name = type + QString::number(n);
        if (!c.heartbeat(name) && std::none_of(c.npResources.begin(), c.npResources.end(),
                                               [&](const NpResource& r) { return r.name == name; }))
            return name;
    }
}

} // namespace

TreeEditor::TreeEditor(QWidget* window, std::optional<BuilderDocument>* document,
                       std::function<Selection()> selected)
    : QObject(window), window_(window), document_(document), selected_(std::move(selected)),
      stack_(new QUndoStack(this)) {
    auto* undo = stack_->createUndoAction(this, tr("&Undo"));
    undo->setShortcut(QKeySequence::Undo);
    undo->setObjectName(QStringLiteral("actionUndo"));
    auto* redo = stack_->createRedoAction(this, tr("&Redo"));
    redo->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_Z));
    redo->setObjectName(QStringLiteral("actionRedo"));
    actions_ << undo << redo;
    const auto action = [this](const QString& text, const char* name, auto slot) {
        auto* a = new QAction(text, this);
        a->setObjectName(QLatin1String(name));
        connect(a, &QAction::triggered, this, slot);
        actions_ << a;
        return a;
    };
    action(tr("Add &Server..."), "actionAddServer", [this] { addInteractively(Kind::Server); });
    action(tr("Add &Group"), "actionAddGroup", [this] { addInteractively(Kind::Group); });
    action(tr("Add Group &Resource..."), "actionAddResource",
           [this] { addInteractively(Kind::Resource); });
    action(tr("Add &Monitor Resource..."), "actionAddMonitor",
           [this] { addInteractively(Kind::Monitor); });
    action(tr("Add &Interconnect..."), "actionAddInterconnect",
           [this] { addInteractively(Kind::Heartbeat); });
    action(tr("Add &NP Resolution"), "actionAddNp", [this] { addInteractively(Kind::NpResource); });
    action(tr("Re&name..."), "actionRename", [this] { renameSelected(); })
        ->setShortcut(Qt::Key_F2);
    action(tr("&Delete"), "actionDelete", [this] { removeSelected(); })
        ->setShortcut(QKeySequence::Delete);
    action(tr("&Properties..."), "actionProperties", [this] { showProperties(); });
    for (auto* a : actions_)
        a->setShortcutContext(Qt::WindowShortcut);
    window_->addActions(actions_);
}

// The window is half destroyed by now: the stack must not tell it it is clean.
TreeEditor::~TreeEditor() {
    stack_->blockSignals(true);
}

void TreeEditor::addActions(QMenu* menu) const {
    menu->addActions(actions_.mid(0, 2));
    menu->addSeparator();
    menu->addActions(actions_.mid(2, 6));
    menu->addSeparator();
    menu->addActions(actions_.mid(8));
}

Content TreeEditor::current() const {
    return Content{(*document_)->config(), (*document_)->scripts()};
}

void TreeEditor::apply(const QString& text, const Content& after, const Selection& select) {
    if (!*document_)
        return;
    // Undo and redo show the object the edit was about (when it still exists).
    stack_->push(new EditCommand(text, current(), after, [this, select](const Content& c) {
        (*document_)->setContent(c.config, c.scripts);
        emit changed(select);
    }));
}

bool TreeEditor::add(Kind kind, const QString& nameOrType, QString* error) {
    if (!*document_) {
        *error = tr("there is no configuration");
        return false;
    }
    Content after = current();
    auto& c = after.config;
    const Selection selected = selected_();
    QString name;
    switch (kind) {
    case Kind::Server: {
        name = nameOrType.trimmed();
        if (name.isEmpty() || c.server(name)) {
            *error = tr("server \"%1\": the name is empty or taken").arg(name);
            return false;
        }
        Server s;
        s.name = name;
        s.priority = c.servers.isEmpty() ? 0 : c.serversByPriority().last().priority + 1;
        c.servers << s;
        break;
    }
    case Kind::Group: {
        Group g;
        g.name = name = uniqueName(QStringLiteral("failover"), c);
        c.groups << g;
        break;
    }
    case Kind::Resource: {
        // Into the selected group, or the group of the selected resource.
        QString groupName = selected.kind == Kind::Group ? selected.name : QString();
        if (const auto* owner = c.groupOf(selected.name); selected.kind == Kind::Resource && owner)
            groupName = owner->name;
        auto* g = edits::find(c.groups, groupName);
        if (!g || !supportedTypes(schema::ObjectClass::Resource).contains(nameOrType)) {
            *error = tr("select the group to add a %1 resource to").arg(nameOrType);
            return false;
        }
        Resource r;
        r.type = nameOrType;
        r.name = name = uniqueName(r.type, c);
        g->resourceRefs << r.type + QLatin1Char('@') + r.name;
        c.resources << r;
        break;
    }
    case Kind::Monitor: {
        if (!supportedTypes(schema::ObjectClass::Monitor).contains(nameOrType)) {
            *error = tr("monitor type \"%1\" is not supported").arg(nameOrType);
            return false;
        }
        Monitor m;
        m.type = nameOrType;
        m.name = name = uniqueName(m.type, c);
        c.monitors << m;
        break;
    }
    case Kind::Heartbeat: {
        if (!supportedTypes(schema::ObjectClass::Heartbeat).contains(nameOrType)) {
            *error = tr("interconnect type \"%1\" is not supported").arg(nameOrType);
            return false;
        }
        // The lowest priority, and a device id of its own; the servers' addresses or
        // devices are set in its properties (shown next).
        Heartbeat h;
        h.type = nameOrType;
        h.name = name = routeName(h.type, c);
        for (const auto& other : c.heartbeats)
            h.priority = std::max(h.priority, other.priority + 1);
        h.deviceId = edits::freeDeviceId(c, edits::deviceTypeOf(h.type));
        c.heartbeats << h;
        break;
    }
    case Kind::NpResource: {
        // pingnp: the NP pages edit ping targets only.
        if (nameOrType != QLatin1String("pingnp")) {
            *error = tr("NP resolution type \"%1\" is not supported here (pingnp is)").arg(nameOrType);
            return false;
        }
        // Every server takes part (device "1", as the wizard's NP page does); the targets
        // are set in its properties.
        NpResource np;
        np.type = nameOrType;
        np.name = name = routeName(np.type, c);
        np.deviceId = edits::freeDeviceId(c, edits::deviceTypeOf(np.type));
        for (const auto& other : c.npResources)
            np.priority = std::max(np.priority, other.priority + 1);
        for (auto& s : c.servers)
            s.devices << Device{np.deviceId, edits::deviceTypeOf(np.type), QStringLiteral("1")};
        c.npResources << np;
        break;
    }
    default:
        *error = tr("only servers, groups, resources, monitors, interconnects and NP resolutions are added");
        return false;
    }
    apply(tr("add %1 \"%2\"").arg(kindName(kind), name), after, {kind, name});
    return true;
}

bool TreeEditor::rename(Kind kind, const QString& from, const QString& to, QString* error) {
    const QString name = to.trimmed();
    if (!*document_ || !editable(kind) || name.isEmpty() || name == from ||
        edits::nameTaken((*document_)->config(), kind, name)) {
        *error = tr("%1 \"%2\": cannot be renamed to \"%3\" (empty, unchanged or taken)")
                     .arg(kindName(kind), from, name);
        return false;
    }
    Content after = current();
    edits::rename(after.config, &after.scripts, kind, from, name);
    apply(tr("rename %1 \"%2\" to \"%3\"").arg(kindName(kind), from, name), after, {kind, name});
    return true;
}

bool TreeEditor::remove(Kind kind, const QString& name, bool ask) {
    if (!*document_ || !removable(kind))
        return false;
    const QStringList refs = edits::references((*document_)->config(), kind, name);
    if (ask && !refs.isEmpty()) {
        QMessageBox box(QMessageBox::Question, tr("Delete"),
                        tr("%1 \"%2\" is referred to; deleting it removes these references "
                           "too:\n\n%3\n\nDelete it?")
                            .arg(kindName(kind), name, refs.join(QLatin1Char('\n'))),
                        QMessageBox::Yes | QMessageBox::No, window_);
        box.setObjectName(QStringLiteral("confirmDelete"));
        box.setDefaultButton(QMessageBox::No);
        if (box.exec() != QMessageBox::Yes)
            return false;
    }
    Content after = current();
    edits::remove(after.config, &after.scripts, kind, name);
    apply(tr("delete %1 \"%2\"").arg(kindName(kind), name), after, {Kind::Cluster, QString()});
    return true;
}

PropertyDialog* TreeEditor::propertyDialog(QWidget* parent) {
    const Selection s = selected_();
    if (!*document_ || s.kind == Kind::Folder)
        return nullptr;
    auto* dialog = new PropertyDialog(**document_, s.kind, s.name, parent);
    connect(dialog, &PropertyDialog::applied, this,
            [this, dialog, s](const Content& content, const QString& what) {
                apply(tr("change %1").arg(what), content, {s.kind, dialog->page()->name()});
            });
    return dialog;
}

void TreeEditor::addInteractively(Kind kind) {
    QString value;
    bool ok = true;
    if (kind == Kind::NpResource)
        value = QStringLiteral("pingnp");
    else if (kind == Kind::Heartbeat)
        value = QInputDialog::getItem(window_, tr("Add Interconnect"), tr("Type:"),
                                      supportedTypes(schema::ObjectClass::Heartbeat), 0, false, &ok);
    else if (kind == Kind::Server)
        value = QInputDialog::getText(window_, tr("Add Server"),
                                      tr("Host name of the server (case sensitive):"),
                                      QLineEdit::Normal, QString(), &ok);
    else if (kind != Kind::Group)
        value = QInputDialog::getItem(
            window_, kind == Kind::Resource ? tr("Add Group Resource") : tr("Add Monitor Resource"),
            tr("Type:"),
            supportedTypes(kind == Kind::Resource ? schema::ObjectClass::Resource
                                                  : schema::ObjectClass::Monitor),
            0, false, &ok);
    if (!ok)
        return;
    QString error;
    if (!add(kind, value, &error)) {
        QMessageBox::warning(window_, tr("Add"), error);
        return;
    }
    showProperties(); // the new object is selected: its settings next
}

void TreeEditor::renameSelected() {
    const Selection s = selected_();
    if (!editable(s.kind))
        return;
    bool ok = false;
    const QString to = QInputDialog::getText(window_, tr("Rename"), tr("New name:"),
                                             QLineEdit::Normal, s.name, &ok);
    QString error;
    if (ok && !rename(s.kind, s.name, to, &error))
        QMessageBox::warning(window_, tr("Rename"), error);
}

void TreeEditor::removeSelected() {
    const Selection s = selected_();
    remove(s.kind, s.name);
}

void TreeEditor::showProperties() {
    std::unique_ptr<PropertyDialog> dialog(propertyDialog(window_));
    if (dialog)
        dialog->exec();
}

} // namespace lifeline::builder
