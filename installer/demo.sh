#!/usr/bin/env bash
# The demo part of the main job. Until the cluster service exists (see the
# issues), it checks the bundled example configuration with clpcfchk.
set -euo pipefail
cd "$(dirname "$0")/.."
build=${LIFELINE_BUILD_DIR:-build}
echo "==> clpcfchk installer/examples/demo (clp.conf + scripts/)"
"$build/server/cli/clpcfchk" installer/examples/demo
