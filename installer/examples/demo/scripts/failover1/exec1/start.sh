#!/bin/sh
# Start script of exec1, asynchronous (act/sync 0): this process is the application.
# Lifeline sets CLP_EVENT (START, FAILOVER, RECOVER), CLP_SERVER (HOME, OTHER),
# CLP_GROUPNAME and CLP_RESOURCENAME. The demo application serves the shared disk
# over HTTP on the floating IP, and notes on the disk who served it last.
echo "start.sh: event=${CLP_EVENT:-?} server=${CLP_SERVER:-?} group=${CLP_GROUPNAME:-?}"
mnt=/run/lifeline-demo/mnt
echo "$(date '+%F %T') $(hostname) ${CLP_EVENT:-START}" >> "$mnt/served-by.txt" || exit 1
exec /usr/bin/python3 -m http.server 8080 --bind 198.18.0.100 --directory "$mnt"
