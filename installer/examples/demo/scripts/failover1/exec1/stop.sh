#!/bin/sh
# Stop script of exec1 (CLP_EVENT=STOP or FAILOVER). Lifeline ends the application
# (the process group of start.sh) after this script. Exit 0 = success.
echo "stop.sh: event=${CLP_EVENT:-?} server=${CLP_SERVER:-?} group=${CLP_GROUPNAME:-?}"
exit 0
