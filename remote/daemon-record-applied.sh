#!/bin/sh
# What we applied (stdin, JSON, with sha256 $2) for the next three-way merge, and $1 as the node's
# owner record.
# Set by the loader (lib/remoteScripts.ts): STATE_DIR, OWNER_RECORD. gnh_receive_verified: remote/receive-verified.sh.
set -eu
umask 077
mkdir -p "${STATE_DIR}"
gnh_receive_verified "${STATE_DIR}"/daemon.last-applied.json.tmp "$2"
mv -f "${STATE_DIR}"/daemon.last-applied.json.tmp "${STATE_DIR}"/daemon.last-applied.json
printf '%s\n' "$1" > "${OWNER_RECORD}".tmp
mv -f "${OWNER_RECORD}".tmp "${OWNER_RECORD}"
