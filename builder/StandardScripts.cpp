#include "StandardScripts.h"

namespace lifeline::builder {

namespace {

QString script(const char* name, const char* events, const char* cases) {
    return QStringLiteral("#!/bin/sh\n"
                          "# %1 of an exec resource (Lifeline).\n"
                          "# Lifeline sets CLP_EVENT (%2), CLP_SERVER (HOME, OTHER),\n"
                          "# CLP_GROUPNAME, CLP_RESOURCENAME and CLP_PRIORITY. Exit 0 on success.\n"
                          "echo \"%1: event=${CLP_EVENT} server=${CLP_SERVER} "
                          "group=${CLP_GROUPNAME} resource=${CLP_RESOURCENAME}\"\n"
                          "case \"${CLP_EVENT}\" in\n"
                          "%3"
                          "*)\n"
                          "    echo \"%1: unexpected event ${CLP_EVENT}\"\n"
                          "    ;;\n"
                          "esac\n"
                          "exit 0\n")
        .arg(QLatin1String(name), QLatin1String(events), QLatin1String(cases));
}

} // namespace

QString standardStartScript() {
    return script("start.sh", "START, FAILOVER, RECOVER",
                  "START)\n"
                  "    # Start the application: the group starts on this server.\n"
                  "    ;;\n"
                  "FAILOVER)\n"
                  "    # Start the application: the group failed over to this server.\n"
                  "    ;;\n"
                  "RECOVER)\n"
                  "    # Start the application again after a monitor recovery.\n"
                  "    ;;\n");
}

QString standardStopScript() {
    return script("stop.sh", "STOP, FAILOVER",
                  "STOP)\n"
                  "    # Stop the application: the group stops on this server.\n"
                  "    ;;\n"
                  "FAILOVER)\n"
                  "    # Stop the application: the group fails over to another server.\n"
                  "    ;;\n");
}

} // namespace lifeline::builder
