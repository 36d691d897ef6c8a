#!/bin/sh
# $1 = backup: keep the current file for rollback (no bridge step wrote it already).
# Set by the loader (lib/remoteScripts.ts): DAEMON_JSON, ORIGINAL, ORIGINAL_ABSENT, STATE_DIR.
set -eu
if [ "$1" = backup ]; then
  rm -f "${STATE_DIR}"/daemon.json.bak "${STATE_DIR}"/daemon.json.absent
  if [ -f "${DAEMON_JSON}" ]; then cp -p "${DAEMON_JSON}" "${STATE_DIR}"/daemon.json.bak; else touch "${STATE_DIR}"/daemon.json.absent; fi
fi
if [ -f "${ORIGINAL}" ]; then cp -p "${ORIGINAL}" "${DAEMON_JSON}".gnh-tmp; mv -f "${DAEMON_JSON}".gnh-tmp "${DAEMON_JSON}";
elif [ -f "${ORIGINAL_ABSENT}" ]; then rm -f "${DAEMON_JSON}";
else echo "the record of the original daemon.json is gone" >&2; exit 1; fi
