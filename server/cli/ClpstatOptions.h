#pragma once

#include "StatusFormatter.h"

#include <QCommandLineParser>
#include <QStringList>

namespace lifeline::cli {

// clpstat's own options and how they choose a StatusView (README.md):
//   (none) | -s            the whole CLUSTER STATUS view
//   -n | --sv [NAME]       servers only (one server)      } may be combined
//   -g | --grp [NAME]      groups only (one group)        } without NAME
//   -m | --mon             monitors only
//   --mon NAME | --mon --detail    monitor information
//   --hb [NAME]  --np [NAME]  --cl    heartbeat / NP / cluster information
//   --detail  --long  --local
class ClpstatOptions {
public:
    static void addOptions(QCommandLineParser& parser);
    // Reads the view from a parsed command line; false with a message when the
    // options contradict each other.
    static bool read(const QCommandLineParser& parser, StatusView* view, bool* local,
                     QString* error);
    // Parses a bare argument list such as {"--mon", "userw"} (tests, tools).
    static bool parse(const QStringList& arguments, StatusView* view, QString* error);
};

} // namespace lifeline::cli
