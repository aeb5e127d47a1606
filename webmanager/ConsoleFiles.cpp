#include "ConsoleFiles.h"

#include <QFile>

namespace lifeline::webmgr {

std::optional<ApiResponse> ConsoleFiles::serve(const QString& path) {
    static const QList<QPair<QString, QByteArray>> files{
        {QStringLiteral("/index.html"), "text/html; charset=utf-8"},
        {QStringLiteral("/app.js"), "text/javascript; charset=utf-8"},
        {QStringLiteral("/app.css"), "text/css; charset=utf-8"},
    };
    const QString name = path == QLatin1String("/") ? QStringLiteral("/index.html") : path;
    for (const auto& [file, type] : files) {
        if (file != name)
            continue;
        QFile f(QStringLiteral(":/www") + file);
        if (!f.open(QIODevice::ReadOnly))
            return std::nullopt; // not compiled in: the router answers 404
        ApiResponse r;
        r.body = f.readAll();
        r.contentType = type;
        // Nothing from elsewhere: no CDN, no inline script, no framing.
        r.headers << qMakePair(QByteArray("Content-Security-Policy"),
                               QByteArray("default-src 'self'; img-src 'self' data:; "
                                          "frame-ancestors 'none'; form-action 'self'"));
        return r;
    }
    return std::nullopt;
}

} // namespace lifeline::webmgr
