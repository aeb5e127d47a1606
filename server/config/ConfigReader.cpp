#include "ConfigReader.h"

#include "FieldIo.h"
#include "ObjectPaths.h"
#include "Validator.h"

#include <algorithm>

namespace lifeline::config {

namespace {

using schema::ObjectClass;

// <heartbeat>, <networkpartition>, <resource>, <monitor> hold one element per
// object, named by its type, plus <types name="..."/> markers.
QList<QDomElement> typedObjects(const QDomElement& container) {
    QList<QDomElement> out;
    for (const auto& e : xml::children(container))
        if (e.tagName() != QLatin1String("types"))
            out << e;
    return out;
}

QString nameOf(const QDomElement& e, const QString& what, Diagnostics& diagnostics) {
    const auto name = e.attribute(QStringLiteral("name"));
    if (name.trimmed().isEmpty())
        diagnostics.error(QStringLiteral("<%1>").arg(e.tagName()),
                          QStringLiteral("%1 has no name attribute").arg(what), e.lineNumber());
    return name;
}

void readParameters(QMap<QString, QString>& parameters, ObjectClass cls, const QString& type,
                    const QDomElement& element, const QString& objectPath,
                    Diagnostics& diagnostics) {
    const auto params = element.firstChildElement(QStringLiteral("parameters"));
    parameters = xml::flatten(params);
    for (auto it = parameters.begin(); it != parameters.end(); ++it) {
        const auto* spec = schema::parameterSpec(cls, type, it.key());
        if (!spec)
            continue;
        const auto problem =
            fieldio::checkValue(spec->kind, it.value(), spec->min, spec->max, spec->allowed);
        if (!problem.isEmpty())
            diagnostics.error(objectPath + " / parameters/" + it.key(), problem,
                              xml::child(params, it.key()).lineNumber());
    }
}

Server readServer(const QDomElement& e, Diagnostics& diagnostics) {
    Server s;
    s.name = nameOf(e, QStringLiteral("a server"), diagnostics);
    fieldio::read(s, e, schema::serverFields(), paths::server(s.name), diagnostics);
    for (const auto& d : xml::children(e, QStringLiteral("device"))) {
        Device device;
        bool ok = false;
        device.id = d.attribute(QStringLiteral("id")).toInt(&ok);
        if (!ok || device.id < 0) {
            diagnostics.error(paths::server(s.name),
                              QStringLiteral("device id \"%1\" is not a whole number")
                                  .arg(d.attribute(QStringLiteral("id"))),
                              d.lineNumber());
            continue;
        }
        device.type = d.firstChildElement(QStringLiteral("type")).text().trimmed();
        device.info = d.firstChildElement(QStringLiteral("info")).text().trimmed();
        s.devices << device;
    }
    return s;
}

Group readGroup(const QDomElement& e, Diagnostics& diagnostics) {
    Group g;
    g.name = nameOf(e, QStringLiteral("a group"), diagnostics);
    const auto path = paths::group(g.name);
    fieldio::read(g, e, schema::groupFields(), path, diagnostics);
    for (const auto& r : xml::children(e, QStringLiteral("resource")))
        g.resourceRefs << r.attribute(QStringLiteral("name"));
    QList<std::pair<int, QString>> order;
    for (const auto& p : xml::children(e, QStringLiteral("policy"))) {
        const auto orderText = p.firstChildElement(QStringLiteral("order")).text();
        bool ok = true;
        const int o = orderText.isEmpty() ? int(order.size()) : orderText.toInt(&ok);
        if (!ok)
            diagnostics.error(path + QStringLiteral(" / policy \"%1\"").arg(p.attribute("name")),
                              QStringLiteral("order \"%1\" is not a whole number").arg(orderText),
                              p.lineNumber());
        order << std::pair{o, p.attribute(QStringLiteral("name"))};
    }
    std::stable_sort(order.begin(), order.end(),
                     [](auto& a, auto& b) { return a.first < b.first; });
    for (const auto& [o, name] : order)
        g.policy << name;
    return g;
}

NpResource readNp(const QDomElement& e, Diagnostics& diagnostics) {
    NpResource np;
    np.type = e.tagName();
    np.name = nameOf(e, QStringLiteral("a network partition resource"), diagnostics);
    fieldio::read(np, e, schema::npFields(), paths::np(np.name), diagnostics);
    for (const auto& grp : xml::children(e, QStringLiteral("grp"))) {
        QStringList targets;
        for (const auto& list : xml::children(grp, QStringLiteral("list")))
            targets << list.firstChildElement(QStringLiteral("ip")).text().trimmed();
        np.targetGroups << targets;
    }
    return np;
}

} // namespace

ClusterConfig readConfig(const ConfigDocument& document, Diagnostics& diagnostics) {
    ClusterConfig config;
    const auto root = document.root();
    fieldio::read(config.cluster, root, schema::clusterFields(), QString(), diagnostics);
    for (const auto& ip : xml::children(xml::child(root, QStringLiteral("webmgr/security/clientlist")),
                                        QStringLiteral("ip")))
        config.cluster.webmgrClients << ip.attribute(QStringLiteral("name")).trimmed();

    for (const auto& e : xml::children(root, QStringLiteral("server")))
        config.servers << readServer(e, diagnostics);

    for (const auto& e : typedObjects(root.firstChildElement(QStringLiteral("heartbeat")))) {
        Heartbeat hb;
        hb.type = e.tagName();
        hb.name = nameOf(e, QStringLiteral("a heartbeat"), diagnostics);
        fieldio::read(hb, e, schema::heartbeatFields(), paths::heartbeat(hb.name), diagnostics);
        readParameters(hb.parameters, ObjectClass::Heartbeat, hb.type, e,
                       paths::heartbeat(hb.name), diagnostics);
        config.heartbeats << hb;
    }
    for (const auto& e : typedObjects(root.firstChildElement(QStringLiteral("networkpartition"))))
        config.npResources << readNp(e, diagnostics);

    for (const auto& e : xml::children(root, QStringLiteral("group")))
        config.groups << readGroup(e, diagnostics);

    // Resources and monitors may sit in several <resource>/<monitor> containers.
    const auto groupOf = config.groupIndex();
    for (const auto& container : xml::children(root, QStringLiteral("resource"))) {
        for (const auto& e : typedObjects(container)) {
            Resource r;
            r.type = e.tagName();
            r.name = nameOf(e, QStringLiteral("a resource"), diagnostics);
            const auto path = paths::resourceInGroup(groupOf.value(r.name), r.name);
            fieldio::read(r, e, schema::resourceFields(), path, diagnostics);
            for (const auto& d : xml::children(e, QStringLiteral("depend")))
                if (!d.attribute(QStringLiteral("name")).isEmpty())
                    r.depends << d.attribute(QStringLiteral("name"));
            readParameters(r.parameters, ObjectClass::Resource, r.type, e, path, diagnostics);
            config.resources << r;
        }
    }
    for (const auto& container : xml::children(root, QStringLiteral("monitor"))) {
        for (const auto& e : typedObjects(container)) {
            Monitor m;
            m.type = e.tagName();
            m.name = nameOf(e, QStringLiteral("a monitor"), diagnostics);
            const auto path = paths::monitor(m.name);
            fieldio::read(m, e, schema::monitorFields(), path, diagnostics);
            readParameters(m.parameters, ObjectClass::Monitor, m.type, e, path, diagnostics);
            for (const auto& s : xml::children(e, QStringLiteral("server")))
                m.servers << s.attribute(QStringLiteral("name"));
            config.monitors << m;
        }
    }
    return config;
}

static LoadedConfig finish(std::optional<ConfigDocument> doc, Diagnostics diagnostics) {
    LoadedConfig loaded;
    loaded.diagnostics = std::move(diagnostics);
    if (doc) {
        loaded.config = readConfig(*doc, loaded.diagnostics);
        validate(loaded.config, loaded.diagnostics);
    }
    loaded.document = std::move(doc);
    return loaded;
}

LoadedConfig loadConfig(const QString& path) {
    Diagnostics diagnostics;
    auto doc = ConfigDocument::load(path, diagnostics);
    return finish(std::move(doc), std::move(diagnostics));
}

LoadedConfig parseConfig(const QByteArray& bytes, const QString& source) {
    Diagnostics diagnostics;
    auto doc = ConfigDocument::parse(bytes, source, diagnostics);
    return finish(std::move(doc), std::move(diagnostics));
}

} // namespace lifeline::config
