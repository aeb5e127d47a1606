#pragma once

#include <QString>

namespace lifeline::webmgr {

// What a WebManager user may do: look (reference password) or also operate.
enum class Role { None, Reference, Operator };

inline QString roleName(Role role) {
    switch (role) {
    case Role::Operator: return QStringLiteral("operator");
    case Role::Reference: return QStringLiteral("reference");
    case Role::None: break;
    }
    return {};
}

inline Role roleFromName(const QString& name) {
    if (name == QLatin1String("operator"))
        return Role::Operator;
    if (name == QLatin1String("reference"))
        return Role::Reference;
    return Role::None;
}

} // namespace lifeline::webmgr
