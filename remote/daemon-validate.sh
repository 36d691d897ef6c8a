#!/bin/sh
# Set by the loader (lib/remoteScripts.ts): STATE_DIR.
set -eu
umask 077
mkdir -p "${STATE_DIR}"
candidate=${STATE_DIR}/daemon.candidate.json
# removed whatever the outcome: a candidate may hold values as secret as daemon.json's own
trap 'rm -f "$candidate"' EXIT
cat > "$candidate"
dockerd --validate --config-file "$candidate" "$@" 2>&1
