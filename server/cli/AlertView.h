#pragma once

#include <QCommandLineParser>
#include <QJsonArray>
#include <QJsonObject>
#include <QString>

namespace lifeline::cli {

// clpstat --alert [--max N] [--server S] [--type T] [--module M]: the cluster-wide alert
// history from the local lifelined's store (control command "alerts"), newest last.
class AlertView {
public:
    static constexpr int kDefaultMax = 100;

    static void addOptions(QCommandLineParser& parser);
    // Whether --alert (or one of its filters) was given.
    static bool requested(const QCommandLineParser& parser);
    // The "alerts" request for the options; false with a message when they are invalid or
    // mixed with other views.
    static bool read(const QCommandLineParser& parser, QJsonObject* args, QString* error);
    // One line per alert, under a header; times in this machine's time zone.
    static QString format(const QJsonArray& alerts);
};

} // namespace lifeline::cli
