#pragma once

#include "ClusterConfig.h"

#include <QJsonObject>
#include <QString>

namespace lifeline::cli {

// Which clpstat view to draw.
struct StatusView {
    enum class Kind {
        Status,     // CLUSTER STATUS: servers, groups, monitors (sections below)
        Heartbeats, // CLUSTER INFORMATION of the heartbeat resources (--hb)
        Partition,  // CLUSTER INFORMATION of the NP resources and verdicts (--np)
        Monitors,   // CLUSTER INFORMATION of monitors (--mon NAME, --mon --detail)
        Cluster,    // CLUSTER INFORMATION of the cluster properties (--cl)
    };
    // Resources (--rsc) is not part of the default view, as in ExpressCluster's layout.
    enum Section { Servers = 1, Groups = 2, MonitorList = 4, AllSections = 7, Resources = 8 };

    Kind kind = Kind::Status;
    int sections = AllSections;
    QString name; // one server / group / heartbeat / NP resource / monitor; empty = all
    bool detail = false;
    bool longNames = false; // --long: wider name column, names never cut

    // The information views read the configuration (the `config` command).
    bool needsConfig() const { return kind != Kind::Status; }
};

// Turns the `status` answer of lifelined (server/control/PROTOCOL.md), and the
// running configuration for the information views, into clpstat's text. Pure:
// no I/O, so every view is golden-tested against real ExpressCluster output.
//
// Column rules (derived from the samples in shared/clpconf-samples/clpstat-output):
//   status rows   INDENT NAME [" " DOTS] ":" " " STATE(17, left-aligned) COMMENT
//     the ':' is at column 21 (0-based), 38 with --long; servers and groups get a
//     dotted leader, all other rows spaces; `*` in column 3 marks the local server;
//     every line is right-trimmed (an empty comment leaves no spaces).
//   information   "[KIND<n> : NAME]" then items "  LABEL ... : VALUE" with the ':' at
//     column 57 (2-space items) or 61 (4-space items); an empty value ends at ':'.
class StatusFormatter {
public:
    static constexpr int kNameColumn = 21;
    static constexpr int kLongNameColumn = 38;
    static constexpr int kStateWidth = 17;
    static constexpr int kItemColumn = 57;       // "  Type ... : lanhb"
    static constexpr int kNestedItemColumn = 61; // "    Method ... : softdog"

    // `config` may be null for the status view; it must outlive the formatter.
    explicit StatusFormatter(QJsonObject status, const config::ClusterConfig* config = nullptr);

    // The text of `view`, or false with `error` (unknown name, no configuration).
    bool render(const StatusView& view, QString* text, QString* error) const;
    // --json: the daemon's status object as it came, indented.
    QString json() const;

    // One status row (exposed for tests).
    static QString row(int indent, bool local, const QString& name, bool leader,
                       const QString& value, const QString& comment, bool longNames);
    // One information item at `indent` (2 or 4) spaces.
    static QString item(int indent, const QString& label, const QString& value);

private:
    bool statusView(const StatusView& view, QString* text, QString* error) const;
    bool heartbeatView(const StatusView& view, QString* text, QString* error) const;
    bool partitionView(const StatusView& view, QString* text, QString* error) const;
    bool monitorView(const StatusView& view, QString* text, QString* error) const;
    bool clusterView(const StatusView& view, QString* text, QString* error) const;

    void serverBlock(const QJsonObject& server, bool longNames, QString& out) const;
    void groupBlock(const QJsonObject& group, bool longNames, QString& out) const;
    void monitorServerRows(const QJsonObject& monitor, int indent, bool longNames, QString& out) const;
    void monitorDetails(const config::Monitor& monitor, bool detail, QString& out) const;
    // The comment clpstat shows for a heartbeat / NP resource: the status row's,
    // else the type description.
    QString pathComment(const char* listKey, const QString& name, const QString& fallback) const;

    QJsonObject status_;
    const config::ClusterConfig* config_;
};

} // namespace lifeline::cli
