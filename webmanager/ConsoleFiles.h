#pragma once

#include "ApiMessage.h"

#include <optional>

namespace lifeline::webmgr {

// The console's static files (www/: index.html, app.js, app.css), compiled into the
// program as the Qt resource :/www, so what runs always matches the API it was built with.
// Served to every client of the allow-list without a login (the page logs in itself).
class ConsoleFiles {
public:
    // The file for GET `path` ("/" is index.html), or nothing when it is none of them.
    static std::optional<ApiResponse> serve(const QString& path);
};

} // namespace lifeline::webmgr
