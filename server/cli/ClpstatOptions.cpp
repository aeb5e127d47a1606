#include "ClpstatOptions.h"

namespace lifeline::cli {

namespace {
const QCommandLineOption kStatus(QStringList{"s"}, "Show the cluster status (the default).");
const QCommandLineOption kServers(QStringList{"n", "sv"}, "Show the servers only.");
const QCommandLineOption kGroups(QStringList{"g", "grp"}, "Show the groups only.");
const QCommandLineOption kResources(QStringList{"rsc"},
                                    "Show the group resources only: state, group, server and "
                                    "the reason of an error.");
const QCommandLineOption kMonitors(QStringList{"m", "mon"},
                                   "Show the monitors only; with NAME or --detail, the "
                                   "monitor information.");
const QCommandLineOption kHeartbeats(QStringList{"hb"}, "Show the heartbeat resources.");
const QCommandLineOption kPartition(QStringList{"np"},
                                    "Show the network partition resolution resources and the "
                                    "last verdicts.");
const QCommandLineOption kCluster(QStringList{"cl"}, "Show the cluster properties.");
const QCommandLineOption kDetail(QStringList{"detail"}, "Show every setting.");
const QCommandLineOption kLong(QStringList{"long"}, "Show names in full (wider columns).");
const QCommandLineOption kLocal(QStringList{"local"},
                                "Show what the local lifelined knows, without asking the "
                                "other servers.");
} // namespace

void ClpstatOptions::addOptions(QCommandLineParser& parser) {
    parser.setSingleDashWordOptionMode(QCommandLineParser::ParseAsCompactedShortOptions);
    parser.addOptions({kStatus, kServers, kGroups, kResources, kMonitors, kHeartbeats, kPartition, kCluster,
                       kDetail, kLong, kLocal});
    parser.addPositionalArgument(
        "NAME", "The object to show (with --sv, --grp, --rsc, --mon, --hb, --np).", "[NAME]");
}

bool ClpstatOptions::read(const QCommandLineParser& parser, StatusView* view, bool* local,
                          QString* error) {
    *view = StatusView();
    if (local)
        *local = parser.isSet(kLocal);
    const QStringList names = parser.positionalArguments();
    if (names.size() > 1) {
        *error = QStringLiteral("only one NAME may be given");
        return false;
    }
    const QString name = names.value(0);
    view->detail = parser.isSet(kDetail);
    view->longNames = parser.isSet(kLong);

    int sections = 0;
    if (parser.isSet(kServers))
        sections |= StatusView::Servers;
    if (parser.isSet(kGroups))
        sections |= StatusView::Groups;
    if (parser.isSet(kResources))
        sections |= StatusView::Resources;
    const bool monitors = parser.isSet(kMonitors);
    const int informationViews = int(parser.isSet(kHeartbeats)) + int(parser.isSet(kPartition)) +
                                 int(parser.isSet(kCluster));
    const bool monitorInformation = monitors && (!name.isEmpty() || view->detail);
    if (informationViews + int(monitorInformation) > 1 ||
        ((informationViews || monitorInformation) && (sections || parser.isSet(kStatus)))) {
        *error = QStringLiteral("choose one of the status options (-s, -n, -g, -m) or one of "
                                "--hb, --np, --cl, --mon NAME");
        return false;
    }

    if (parser.isSet(kHeartbeats)) {
        view->kind = StatusView::Kind::Heartbeats;
    } else if (parser.isSet(kPartition)) {
        view->kind = StatusView::Kind::Partition;
    } else if (parser.isSet(kCluster)) {
        view->kind = StatusView::Kind::Cluster;
        if (!name.isEmpty()) {
            *error = QStringLiteral("--cl takes no NAME");
            return false;
        }
    } else if (monitorInformation) {
        view->kind = StatusView::Kind::Monitors;
    } else {
        view->kind = StatusView::Kind::Status;
        if (monitors)
            sections |= StatusView::MonitorList;
        view->sections = sections ? sections : int(StatusView::AllSections);
        if (view->detail) {
            *error = QStringLiteral("--detail applies to --hb, --np, --cl and --mon");
            return false;
        }
        if (!name.isEmpty() && sections != StatusView::Servers && sections != StatusView::Groups &&
            sections != StatusView::Resources) {
            *error = QStringLiteral("a NAME needs exactly one of --sv, --grp, --rsc, --mon, --hb, --np");
            return false;
        }
    }
    view->name = name;
    return true;
}

bool ClpstatOptions::parse(const QStringList& arguments, StatusView* view, QString* error) {
    QCommandLineParser parser;
    addOptions(parser);
    if (!parser.parse(QStringList{QStringLiteral("clpstat")} + arguments)) {
        *error = parser.errorText();
        return false;
    }
    return read(parser, view, nullptr, error);
}

} // namespace lifeline::cli
