#pragma once

#include <QDomElement>
#include <QList>
#include <QMap>
#include <QString>

// Small helpers for walking clp.conf by relative paths such as "polling/interval"
// or "grp[0]/list[1]/ip" (a segment "name[N]" is the <name id="N"> child).
namespace lifeline::config::xml {

QList<QDomElement> children(const QDomElement& parent, const QString& tag = QString());
QDomElement child(const QDomElement& parent, const QString& path);
QDomElement ensure(QDomElement parent, const QString& path);
void remove(QDomElement parent, const QString& path);
QString text(const QDomElement& element);
void setText(QDomElement element, const QString& text);

// All leaf values below `element` as path -> text (elements with an id attribute
// become "name[id]"). Used for the type-specific <parameters> of resources and monitors.
QMap<QString, QString> flatten(const QDomElement& element);
// Makes the leaves below `element` match `wanted`, touching only what differs from `before`.
void syncFlattened(QDomElement element, const QMap<QString, QString>& before,
                   const QMap<QString, QString>& wanted);

} // namespace lifeline::config::xml
