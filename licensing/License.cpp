#include "License.h"

#include "Product.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QRegularExpression>
#include <QTimeZone>

namespace lifeline::licensing {

namespace {

const QStringList kFields{"product", "kind", "version", "count", "serial", "expiry", "key"};

} // namespace

QString License::kindName(Kind kind) {
    switch (kind) {
    case Kind::Cpu:
        return QStringLiteral("cpu");
    case Kind::Vm:
        return QStringLiteral("vm");
    case Kind::Node:
        return QStringLiteral("node");
    }
    return {};
}

QString License::kindLabel(Kind kind) {
    switch (kind) {
    case Kind::Cpu:
        return QStringLiteral("CPU");
    case Kind::Vm:
        return QStringLiteral("VM node");
    case Kind::Node:
        return QStringLiteral("node");
    }
    return {};
}

std::optional<License::Kind> License::kindFromName(const QString& name) {
    for (const Kind k : {Kind::Cpu, Kind::Vm, Kind::Node})
        if (kindName(k) == name)
            return k;
    return std::nullopt;
}

QString License::versionName(Version version) {
    return version == Version::Trial ? QStringLiteral("trial") : QStringLiteral("product");
}

std::optional<License::Version> License::versionFromName(const QString& name) {
    if (name == QLatin1String("product"))
        return Version::Product;
    if (name == QLatin1String("trial"))
        return Version::Trial;
    return std::nullopt;
}

bool License::isSerial(const QString& serial) {
    static const QRegularExpression pattern(QStringLiteral("^[A-Z]{3}[0-9]{7}$"));
    return pattern.match(serial).hasMatch();
}

QString License::serialError(const QString& serial) {
    return QStringLiteral("the serial number \"%1\" is not of the form XXX0000000: 3 capital "
                          "letters and 7 digits (case sensitive)")
        .arg(serial);
}

std::optional<QDateTime> License::parseExpiry(const QString& text) {
    static const QRegularExpression pattern(
        QStringLiteral("^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z$"));
    if (!pattern.match(text).hasMatch())
        return std::nullopt;
    const QDateTime time = QDateTime::fromString(text, Qt::ISODate);
    if (!time.isValid() || expiryText(time) != text)
        return std::nullopt; // e.g. 2026-02-30
    return time.toTimeZone(QTimeZone::utc());
}

QString License::expiryText(const QDateTime& expiry) {
    if (!expiry.isValid())
        return QStringLiteral("");
    return expiry.toTimeZone(QTimeZone::utc()).toString(QStringLiteral("yyyy-MM-ddTHH:mm:ss'Z'"));
}

QString License::displayTime(const QDateTime& time) {
    return time.toLocalTime().toString(QStringLiteral("yyyy/MM/dd HH:mm:ss"));
}

QByteArray License::canonical() const {
    // Every value is restricted (fieldError) to characters that cannot make another line.
    return QStringLiteral("lifeline-license-1\nproduct=%1\nkind=%2\nversion=%3\ncount=%4\n"
                          "serial=%5\nexpiry=%6\n")
        .arg(product, kindName(kind), versionName(version), QString::number(count), serial,
             expiryText(expiry))
        .toLatin1();
}

QString License::fieldError() const {
    const Product* p = Product::find(product);
    if (!p)
        return QStringLiteral("unknown product ID \"%1\" (one of %2)")
            .arg(product, Product::idList());
    if (!isSerial(serial))
        return serialError(serial);
    if (p->isCluster() && kind == Kind::Node)
        return QStringLiteral("a %1 license is a CPU or VM node license, not a node license")
            .arg(product);
    if (!p->isCluster() && kind != Kind::Node)
        return QStringLiteral("a %1 license is a node license, not a %2 license")
            .arg(product, kindLabel(kind));
    if (kind == Kind::Cpu && (count < 1 || count > kMaxCpus))
        return QStringLiteral("a CPU license counts 1 to %1 CPUs, not %2").arg(kMaxCpus).arg(count);
    if (kind == Kind::Vm && count != 0)
        return QStringLiteral("a VM node license has the count 0 (Virtual OS), not %1").arg(count);
    if (kind == Kind::Node && count != 1)
        return QStringLiteral("a node license counts 1 node, not %1").arg(count);
    if (version == Version::Trial && !expiry.isValid())
        return QStringLiteral("a trial license needs an expiry time");
    if (version == Version::Product && expiry.isValid())
        return QStringLiteral("a product license has no expiry time");
    return {};
}

QString License::countText() const {
    switch (kind) {
    case Kind::Cpu:
        return count == 1 ? QStringLiteral("1 CPU") : QStringLiteral("%1 CPUs").arg(count);
    case Kind::Vm:
        return QStringLiteral("0 (Virtual OS)");
    case Kind::Node:
        return QStringLiteral("%1 node").arg(count);
    }
    return {};
}

QJsonObject License::toJson() const {
    QJsonObject o{{"product", product}, {"kind", kindName(kind)}, {"version", versionName(version)},
                  {"count", count},     {"serial", serial},       {"key", key}};
    if (expiry.isValid())
        o.insert("expiry", expiryText(expiry));
    return o;
}

std::optional<License> License::fromJson(const QJsonObject& o, QString* error,
                                         const QStringList& extra) {
    for (auto it = o.begin(); it != o.end(); ++it)
        if (!kFields.contains(it.key()) && !extra.contains(it.key())) {
            *error = QStringLiteral("unknown member \"%1\"").arg(it.key());
            return std::nullopt;
        }
    const auto text = [&](const char* name, QString* out) {
        const QJsonValue v = o.value(QLatin1String(name));
        if (v.isUndefined()) {
            *error = QStringLiteral("\"%1\" is missing").arg(QLatin1String(name));
            return false;
        }
        if (!v.isString()) {
            *error = QStringLiteral("\"%1\" must be a string, not %2")
                         .arg(QLatin1String(name), jsonText(v));
            return false;
        }
        *out = v.toString();
        return true;
    };
    License l;
    QString kind, version, expiry;
    if (!text("product", &l.product) || !text("kind", &kind) || !text("version", &version) ||
        !text("serial", &l.serial) || !text("key", &l.key))
        return std::nullopt;
    const auto k = kindFromName(kind);
    if (!k) {
        *error =
            QStringLiteral("\"kind\" must be \"cpu\", \"vm\" or \"node\", not \"%1\"").arg(kind);
        return std::nullopt;
    }
    l.kind = *k;
    const auto v = versionFromName(version);
    if (!v) {
        *error =
            QStringLiteral("\"version\" must be \"product\" or \"trial\", not \"%1\"").arg(version);
        return std::nullopt;
    }
    l.version = *v;
    const QJsonValue count = o.value("count");
    if (count.isUndefined()) {
        *error = QStringLiteral("\"count\" is missing");
        return std::nullopt;
    }
    if (!count.isDouble() || count.toDouble() != double(count.toInt()) || count.toInt() < 0) {
        *error = QStringLiteral("\"count\" must be a whole number, 0 or more, not %1")
                     .arg(jsonText(count));
        return std::nullopt;
    }
    l.count = count.toInt();
    const QJsonValue e = o.value("expiry");
    if (!e.isUndefined() && !e.isNull() && !(e.isString() && e.toString().isEmpty())) {
        const auto time = e.isString() ? parseExpiry(e.toString()) : std::nullopt;
        if (!time) {
            *error =
                QStringLiteral("\"expiry\" must be a UTC time like 2026-12-31T23:59:59Z, not %1")
                    .arg(jsonText(e));
            return std::nullopt;
        }
        l.expiry = *time;
    }
    return l;
}

QString License::jsonText(const QJsonValue& value) {
    const QByteArray array = QJsonDocument(QJsonArray{value}).toJson(QJsonDocument::Compact);
    return QString::fromUtf8(array.mid(1, array.size() - 2));
}

bool License::operator==(const License& other) const {
    return product == other.product && kind == other.kind && version == other.version &&
           count == other.count && serial == other.serial && expiry == other.expiry &&
           key == other.key;
}

} // namespace lifeline::licensing
