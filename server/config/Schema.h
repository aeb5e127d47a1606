#pragma once

#include "ClusterConfig.h"

#include <QList>
#include <QString>
#include <optional>
#include <variant>

// The clp.conf schema as data: every scalar Lifeline reads, where it lives in
// the XML, its default, range and meaning. Reader, writer, range checks and the
// README defaults table all come from these tables.
namespace lifeline::config::schema {

enum class ObjectClass { Cluster, Server, Heartbeat, NpResource, Group, Resource, Monitor };
QString objectClassName(ObjectClass c);

enum class FieldKind {
    Integer,
    Flag,         // 0 or 1
    Text,
    Seconds,      // decimal seconds in the XML ("0.2"), milliseconds in the model
    Milliseconds, // whole milliseconds in the XML and the model
};

template <class Obj>
struct Field {
    const char* path; // relative to the object's element ("polling/interval")
    FieldKind kind;
    std::variant<int Obj::*, bool Obj::*, QString Obj::*> member;
    qint64 min; // for numbers (milliseconds for durations)
    qint64 max;
    const char* allowed; // "a|b|c" for texts with fixed choices, or nullptr
    const char* meaning;
};

// Paths of cluster fields are relative to <root>; the others to the object's element.
const QList<Field<ClusterProperties>>& clusterFields();
const QList<Field<Server>>& serverFields();
const QList<Field<Heartbeat>>& heartbeatFields();
const QList<Field<NpResource>>& npFields();
const QList<Field<Group>>& groupFields();
const QList<Field<Resource>>& resourceFields();
const QList<Field<Monitor>>& monitorFields();

// Type-specific values under <parameters>.
struct ParameterSpec {
    ObjectClass objectClass;
    const char* type;
    const char* key; // flattened path below <parameters>
    FieldKind kind;
    const char* defaultValue; // as written in XML; "" = none
    qint64 min;
    qint64 max;
    bool required;
    const char* allowed; // "a|b|c" or nullptr
    const char* meaning;
};
const QList<ParameterSpec>& parameterSpecs();
const ParameterSpec* parameterSpec(ObjectClass c, const QString& type, const QString& key);
QString parameterDefault(ObjectClass c, const QString& type, const QString& key);

// The kinds of heartbeat, NP method, group, resource and monitor that exist in
// ExpressCluster configurations, and whether Lifeline runs them.
struct TypeInfo {
    ObjectClass objectClass;
    const char* type;
    const char* description; // as clpstat shows it ("Kernel Mode LAN Heartbeat")
    bool supported;
};
const TypeInfo* typeInfo(ObjectClass c, const QString& type);
QList<TypeInfo> types(ObjectClass c);

// One row of the documented defaults table.
struct FieldDoc {
    QString object;
    QString xmlPath;
    QString defaultValue;
    QString range;
    QString meaning;
};
QList<FieldDoc> fieldDocs();
QString defaultsMarkdown(); // the table in server/config/README.md

// Formats a model value as the XML text for `kind` ("1.5" seconds, "1", ...).
QString formatValue(FieldKind kind, qint64 value);
// Parses XML text for `kind`; nothing when it is not a valid value.
std::optional<qint64> parseValue(FieldKind kind, const QString& text);
QString formatRange(FieldKind kind, qint64 min, qint64 max);

} // namespace lifeline::config::schema
