#!/bin/sh
# $1 = backup: keep the file being replaced (or the fact that there was none) for rollback.
# $2 = the sha256 of the new content on stdin: checked before it replaces daemon.json.
# Set by the loader (lib/remoteScripts.ts): DAEMON_JSON, ORIGINAL, ORIGINAL_ABSENT, STATE_DIR.
# gnh_receive_verified: remote/receive-verified.sh, put in front by the loader.
set -eu
umask 022
mkdir -p "${STATE_DIR}"
if [ "$1" = backup ]; then
  # Our first write ever (no backup of an earlier one either): keep the file as the user had it.
  if [ ! -e "${ORIGINAL}" ] && [ ! -e "${ORIGINAL_ABSENT}" ] && [ ! -e "${STATE_DIR}"/daemon.json.bak ] && [ ! -e "${STATE_DIR}"/daemon.json.absent ]; then
    if [ -f "${DAEMON_JSON}" ]; then cp -p "${DAEMON_JSON}" "${ORIGINAL}"; else touch "${ORIGINAL_ABSENT}"; fi
  fi
  rm -f "${STATE_DIR}"/daemon.json.bak "${STATE_DIR}"/daemon.json.absent
  if [ -f "${DAEMON_JSON}" ]; then cp -p "${DAEMON_JSON}" "${STATE_DIR}"/daemon.json.bak; else touch "${STATE_DIR}"/daemon.json.absent; fi
fi
# a session that drops mid-transfer must not leave the temporary file (nor a SIGPIPE skip its removal)
trap 'rm -f "${DAEMON_JSON}".gnh-tmp' EXIT
trap 'exit 1' HUP INT TERM PIPE
gnh_receive_verified "${DAEMON_JSON}".gnh-tmp "$2"
chown root:root "${DAEMON_JSON}".gnh-tmp
# 644 at most (CIS 3.18), and never wider than the file it replaces: a 600 daemon.json stays 600
mode=644
if [ -f "${DAEMON_JSON}" ]; then
  mode=$(printf '%o' $(( 0$(stat -c %a "${DAEMON_JSON}") & 0644 )))
fi
chmod "$mode" "${DAEMON_JSON}".gnh-tmp
sync "${DAEMON_JSON}".gnh-tmp 2>/dev/null || sync
mv -f "${DAEMON_JSON}".gnh-tmp "${DAEMON_JSON}"
