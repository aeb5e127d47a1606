#!/bin/sh
# Start script of exec1. Lifeline sets CLP_EVENT (START, FAILOVER, RECOVER),
# CLP_SERVER (HOME, OTHER), CLP_GROUPNAME and CLP_RESOURCENAME. Exit 0 = success.
echo "start.sh: event=${CLP_EVENT:-?} server=${CLP_SERVER:-?} group=${CLP_GROUPNAME:-?}"
case "${CLP_EVENT:-START}" in
START | FAILOVER | RECOVER) exit 0 ;;
*) echo "start.sh: unknown event ${CLP_EVENT}" >&2; exit 1 ;;
esac
