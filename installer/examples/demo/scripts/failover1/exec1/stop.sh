#!/bin/sh
# Stop script of exec1 (CLP_EVENT=STOP or FAILOVER). Exit 0 = success.
echo "stop.sh: event=${CLP_EVENT:-?} server=${CLP_SERVER:-?} group=${CLP_GROUPNAME:-?}"
exit 0
