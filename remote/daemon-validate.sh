#!/bin/sh
# Set by the loader (lib/remoteScripts.ts): STATE_DIR.
set -eu
umask 077
mkdir -p "${STATE_DIR}"
candidate=${STATE_DIR}/daemon.candidate.json
cat > "$candidate"
chmod 644 "$candidate"
dockerd --validate --config-file "$candidate" "$@" 2>&1
