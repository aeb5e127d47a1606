#pragma once

#include <QCommandLineParser>
#include <QJsonObject>
#include <QString>

namespace lifeline::cli {

// The licenses of a server as text: `clplcnsc -l` and `clpstat --lic` (the control command
// "licenses") both print a licensing::LicenseReport this way (README.md "clplcnsc").
class LicenseView {
public:
    static void addOptions(QCommandLineParser& parser);
    // Whether --lic was given.
    static bool requested(const QCommandLineParser& parser);
    // The "licenses" request for clpstat's options; false with a message when --lic is mixed
    // with other views.
    static bool read(const QCommandLineParser& parser, QJsonObject* args, QString* error);

    // One block per license (product, kind, serial, key, count, trial end, status);
    // `withKey`: a last line naming the public key licenses are checked with.
    static QString format(const QJsonObject& report, bool withKey);
};

} // namespace lifeline::cli
