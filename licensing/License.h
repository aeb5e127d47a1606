#pragma once

#include <QByteArray>
#include <QDateTime>
#include <QJsonObject>
#include <QString>
#include <QStringList>

#include <optional>

namespace lifeline::licensing {

// One license: the fields the vendor signs and the key (README.md "Model"). A value type
// with no opinion on whether the key is genuine: LicenseVerifier decides that.
struct License {
    enum class Kind {
        Cpu,  // CPU license of a base product: count = CPUs (1 to 99), valid for the cluster
        Vm,   // VM node license of a base product: count 0 ("Virtual OS"), for one server
        Node, // node license of an option: count 1, for the server it is registered on
    };
    enum class Version { Product, Trial };

    static constexpr int kMaxCpus = 99;

    QString product; // "BASE10"
    Kind kind = Kind::Cpu;
    Version version = Version::Product;
    int count = 0;
    QString serial;   // "AAA0000000"
    QDateTime expiry; // trials only: the end, UTC, whole seconds; invalid for product versions
    QString key;      // as written: groups of 8 characters joined by '-'

    static QString kindName(Kind kind);  // "cpu", "vm", "node"
    static QString kindLabel(Kind kind); // "CPU", "VM node", "node" (for people)
    static std::optional<Kind> kindFromName(const QString& name);
    static QString versionName(Version version); // "product", "trial"
    static std::optional<Version> versionFromName(const QString& name);

    // 3 capital letters and 7 digits, case sensitive ("AAA0000000").
    static bool isSerial(const QString& serial);
    static QString serialError(const QString& serial); // the message for one that is not
    // "2026-12-31T23:59:59Z" (UTC, whole seconds) <-> QDateTime; nothing for anything else.
    static std::optional<QDateTime> parseExpiry(const QString& text);
    static QString expiryText(const QDateTime& expiry); // "" when invalid
    // "2026/12/31 23:59:59" in this machine's time zone (the manual's date form).
    static QString displayTime(const QDateTime& time);

    // The signed fields as bytes, one "name=value" line each after a format line
    // (README.md "Key"). Only meaningful for licenses without a fieldError().
    QByteArray canonical() const;
    // Whether the fields fit together: a known product, the serial form, the kind of the
    // product's family, the count of the kind, an expiry for trials only. Empty when they
    // do; else the message.
    QString fieldError() const;
    // "2 CPUs", "0 (Virtual OS)", "1 node".
    QString countText() const;

    // {product, kind, version, count, serial, expiry?, key}: the license file's fields and how
    // a license travels between servers.
    QJsonObject toJson() const;
    // The reverse; strict about types and unknown members (`extra`: members to ignore).
    // Nothing and *error (naming the member and the value) when the object is not one.
    static std::optional<License> fromJson(const QJsonObject& object, QString* error,
                                           const QStringList& extra = {});

    // A JSON value as it was written, for messages: 2, "two", null.
    static QString jsonText(const QJsonValue& value);

    bool operator==(const License& other) const;
};

} // namespace lifeline::licensing
