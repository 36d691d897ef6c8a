#!/bin/sh
# What we applied (stdin, JSON) for the next three-way merge, and $1 as the node's owner record.
# Set by the loader (lib/remoteScripts.ts): STATE_DIR, OWNER_RECORD.
set -eu
umask 077
mkdir -p "${STATE_DIR}"
cat > "${STATE_DIR}"/daemon.last-applied.json.tmp
mv -f "${STATE_DIR}"/daemon.last-applied.json.tmp "${STATE_DIR}"/daemon.last-applied.json
printf '%s\n' "$1" > "${OWNER_RECORD}".tmp
mv -f "${OWNER_RECORD}".tmp "${OWNER_RECORD}"
