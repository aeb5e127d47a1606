#!/bin/sh
# run_fuzzer.sh FUZZER WORK_CORPUS SECONDS SEED_DIR...
# A bounded libFuzzer run: new inputs go to WORK_CORPUS, the seeds are read only.
set -eu
fuzzer=$1 corpus=$2 seconds=$3
shift 3
mkdir -p "$corpus"
seeds=""
for d in "$@"; do [ -d "$d" ] && seeds="$seeds $d"; done
# shellcheck disable=SC2086
exec "$fuzzer" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=4096 -max_len=65536 \
    -print_final_stats=1 "$corpus" $seeds
