// Golden test of the config-change apply decision: apply/cases.json gives pairs of
// running and new clp.conf (files, or edits of apply/base.clp.conf), apply/expected.json
// the decision and what five cluster states say to it.
// LIFELINE_UPDATE_GOLDEN=1 rewrites the expected file (review the diff).

#include "ApplyPolicy.h"
#include "ConfigReader.h"

#include "GoldenWords.h"

#include <QDir>
#include <QJsonArray>
#include <QJsonObject>
#include <QRegularExpression>
#include <QTest>

using namespace lifeline::policy;
using lifeline::config::ConfigDocument;
using lifeline::config::LoadedConfig;

namespace {

const QString kDir = LIFELINE_SOURCE_DIR "/tests/golden/policy/apply";

QString resolve(const QString& path) {
    QString p = path;
    p.replace(QStringLiteral("$SHARED"), QStringLiteral(LIFELINE_SHARED_DIR));
    return QDir::isAbsolutePath(p) ? p : kDir + '/' + p;
}

QByteArray readFile(const QString& path) {
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        qFatal("cannot read %s", qPrintable(path));
    return f.readAll();
}

// One edit path segment: tag, tag[id] or tag{name}.
struct Segment {
    QString tag, id, name;
};

Segment parseSegment(const QString& s) {
    static const QRegularExpression re(
        QStringLiteral(R"(^([^\[{]+)(?:\[([^\]]*)\])?(?:\{([^}]*)\})?$)"));
    const auto m = re.match(s);
    if (!m.hasMatch())
        qFatal("bad edit path segment %s", qPrintable(s));
    return {m.captured(1), m.captured(2), m.captured(3)};
}

QDomElement find(const QDomElement& parent, const Segment& seg) {
    for (auto e = parent.firstChildElement(seg.tag); !e.isNull(); e = e.nextSiblingElement(seg.tag))
        if ((seg.id.isEmpty() || e.attribute("id") == seg.id) &&
            (seg.name.isEmpty() || e.attribute("name") == seg.name))
            return e;
    return {};
}

// The element at `path` below root; missing elements are created when `create`.
QDomElement at(QDomDocument& dom, const QString& path, bool create) {
    QDomElement current = dom.documentElement();
    for (const auto& part : path.split('/', Qt::SkipEmptyParts)) {
        const auto seg = parseSegment(part);
        auto next = find(current, seg);
        if (next.isNull()) {
            if (!create)
                qFatal("edit path %s: no %s", qPrintable(path), qPrintable(part));
            next = dom.createElement(seg.tag);
            if (!seg.id.isEmpty())
                next.setAttribute("id", seg.id);
            if (!seg.name.isEmpty())
                next.setAttribute("name", seg.name);
            current.appendChild(next);
        }
        current = next;
    }
    return current;
}

void applyEdits(ConfigDocument& doc, const QJsonArray& edits) {
    auto& dom = doc.dom();
    for (const auto& v : edits) {
        const auto e = v.toObject();
        if (e.contains("set")) {
            auto el = at(dom, e["set"].toString(), true);
            while (el.hasChildNodes())
                el.removeChild(el.firstChild());
            el.appendChild(dom.createTextNode(e["value"].toString()));
        } else if (e.contains("remove")) {
            auto el = at(dom, e["remove"].toString(), false);
            el.parentNode().removeChild(el);
        } else if (e.contains("append")) {
            auto el = at(dom, e["append"].toString(), true);
            QDomDocument fragment;
            if (!fragment.setContent("<x>" + e["xml"].toString() + "</x>"))
                qFatal("bad xml in edit: %s", qPrintable(e["xml"].toString()));
            for (auto c = fragment.documentElement().firstChildElement(); !c.isNull();
                 c = c.nextSiblingElement())
                el.appendChild(dom.importNode(c, true));
        } else if (e.contains("rename")) {
            at(dom, e["rename"].toString(), false).setAttribute("name", e["name"].toString());
        } else if (e.contains("comment")) {
            dom.documentElement().appendChild(dom.createComment(e["comment"].toString()));
        } else {
            qFatal("unknown edit %s", QJsonDocument(e).toJson(QJsonDocument::Compact).constData());
        }
    }
}

// Edits `bytes` and reads the result back the way lifelined reads clp.conf.
QByteArray edited(const QByteArray& bytes, const QJsonArray& edits, bool reformat) {
    lifeline::config::Diagnostics diagnostics;
    auto doc = ConfigDocument::parse(bytes, "edit", diagnostics);
    if (!doc)
        qFatal("cannot parse the case's running configuration");
    applyEdits(*doc, edits);
    if (reformat) {
        QByteArray flat = doc->dom().toByteArray(-1);
        flat.replace("\n", "\r\n");
        return flat;
    }
    return *doc->serialize();
}

LoadedConfig load(const QByteArray& bytes, const QString& source, bool allowInvalid) {
    auto loaded = lifeline::config::parseConfig(bytes, source);
    if (!loaded.document)
        qFatal("%s does not parse", qPrintable(source));
    if (!allowInvalid && loaded.diagnostics.hasErrors())
        qFatal("%s has errors: %s", qPrintable(source),
               qPrintable(loaded.diagnostics.texts().join("; ")));
    return loaded;
}

QString valueText(const QString& v) {
    return v.isEmpty() ? QStringLiteral("(empty)") : v;
}

QString changeLine(const ConfigChange& c) {
    QString line = changeKindName(c.kind) + ' ' + c.object;
    switch (c.kind) {
    case ConfigChange::Kind::Added:
        line += " (" + c.newValue + ')';
        break;
    case ConfigChange::Kind::Removed:
        line += " (" + c.oldValue + ')';
        break;
    case ConfigChange::Kind::Changed:
        line += ": " + valueText(c.oldValue) + " -> " + valueText(c.newValue);
        break;
    }
    line += " => " + applyOperationName(c.operation);
    if (!c.target.isEmpty())
        line += ' ' + c.target;
    return line;
}

QString checkText(const ApplyCheck& check) {
    return check.allowed ? QStringLiteral("ok") : check.message;
}

QJsonObject describe(const ApplyDecision& d) {
    QJsonObject out;
    out["operation"] = applyOperationName(d.operation);
    out["groups"] = QJsonArray::fromStringList(d.groups);
    out["monitors"] = QJsonArray::fromStringList(d.monitors);
    out["message"] = d.message;
    out["afterUpload"] = d.afterUpload;
    QStringList lines;
    for (const auto& c : d.changes)
        lines << changeLine(c);
    out["changes"] = QJsonArray::fromStringList(lines);

    QJsonObject states;
    ApplyState online;
    states["online"] = checkText(checkApplyState(d, online));
    ApplyState targets{ClusterRunState::Online, d.monitors, d.groups};
    states["online-targets"] = checkText(checkApplyState(d, targets));
    ApplyState suspended{ClusterRunState::Suspended, {}, {}};
    states["suspended"] = checkText(checkApplyState(d, suspended));
    ApplyState suspendedTargets{ClusterRunState::Suspended, {}, d.groups};
    states["suspended-targets"] = checkText(checkApplyState(d, suspendedTargets));
    ApplyState stopped{ClusterRunState::Stopped, {}, {}};
    states["stopped"] = checkText(checkApplyState(d, stopped));
    out["states"] = states;
    return out;
}

} // namespace

class TestApplyPolicy : public QObject {
    Q_OBJECT
private slots:
    void golden() {
        const auto cases =
            lifeline::testutil::readGoldenJson(kDir + "/cases.json")["cases"].toArray();
        QJsonObject actual;
        for (const auto& v : cases) {
            const auto c = v.toObject();
            const auto name = c["name"].toString();
            const bool allowInvalid = c["allowInvalid"].toBool();
            const auto runningPath = resolve(c["running"].toString("base.clp.conf"));
            QByteArray runningBytes = readFile(runningPath);
            if (c.contains("runningEdits"))
                runningBytes = edited(runningBytes, c["runningEdits"].toArray(), false);
            const QByteArray newBytes =
                c.contains("new")
                    ? readFile(resolve(c["new"].toString()))
                    : edited(runningBytes, c["edits"].toArray(), c["reformat"].toBool());
            const auto running = load(runningBytes, name + " (running)", allowInvalid);
            const auto next = load(newBytes, name + " (new)", allowInvalid);
            actual.insert(name, describe(decideApply(running.config, next.config,
                                                     &*running.document, &*next.document)));
        }

        const QString expectedPath = kDir + "/expected.json";
        if (qEnvironmentVariableIntValue("LIFELINE_UPDATE_GOLDEN") == 1) {
            QFile f(expectedPath);
            QVERIFY(f.open(QIODevice::WriteOnly | QIODevice::Truncate));
            f.write(QJsonDocument(actual).toJson());
        }
        const auto expected = lifeline::testutil::readGoldenJson(expectedPath).object();
        QStringList differing;
        for (auto it = actual.begin(); it != actual.end(); ++it) {
            if (it.value() != expected.value(it.key())) {
                differing << it.key();
                qWarning().noquote()
                    << it.key() << "gives" << QJsonDocument(it.value().toObject()).toJson()
                    << "expected" << QJsonDocument(expected.value(it.key()).toObject()).toJson();
            }
        }
        QVERIFY2(differing.isEmpty(), qPrintable("differing cases: " + differing.join(", ")));
        QCOMPARE(actual.size(), expected.size());
    }

    // A configuration compared with itself, or with itself saved again without
    // indentation and with CRLF, is no change: every real sample.
    void samplesAgainstThemselves() {
        const QDir dir(QStringLiteral(LIFELINE_SHARED_DIR "/clpconf-samples"));
        const auto files = dir.entryList({"*.conf"}, QDir::Files);
        QVERIFY(!files.isEmpty());
        for (const auto& file : files) {
            const auto bytes = readFile(dir.filePath(file));
            const auto a = load(bytes, file, true);
            const auto b = load(edited(bytes, {}, true), file + " (reformatted)", true);
            const auto d = decideApply(a.config, b.config, &*a.document, &*b.document);
            QVERIFY2(d.changes.isEmpty(),
                     qPrintable(file + ": " +
                                (d.changes.isEmpty() ? QString() : changeLine(d.changes.first()))));
            QCOMPARE(d.operation, ApplyOperation::UploadOnly);
            QVERIFY(d.message.isEmpty());
        }
    }

    // Without the documents only the model is compared: the unknown element is not seen.
    void withoutDocumentsOnlyTheModel() {
        const auto base = readFile(kDir + "/base.clp.conf");
        const QJsonArray edits{
            QJsonObject{{"append", ""}, {"xml", "<pm><exec0><recover>5</recover></exec0></pm>"}}};
        const auto a = load(base, "base", false);
        const auto b = load(edited(base, edits, false), "base + pm", false);
        QCOMPARE(decideApply(a.config, b.config, &*a.document, &*b.document).operation,
                 ApplyOperation::StopCluster);
        QVERIFY(decideApply(a.config, b.config).changes.isEmpty());
    }
};

QTEST_GUILESS_MAIN(TestApplyPolicy)
#include "tst_apply_policy.moc"
