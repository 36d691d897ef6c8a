#!/bin/sh
# Set by the loader (lib/remoteScripts.ts): DAEMON_JSON, STATE_DIR.
set -eu
if [ -f "${STATE_DIR}"/daemon.json.bak ]; then cp -p "${STATE_DIR}"/daemon.json.bak "${DAEMON_JSON}".gnh-tmp && mv -f "${DAEMON_JSON}".gnh-tmp "${DAEMON_JSON}";
elif [ -f "${STATE_DIR}"/daemon.json.absent ]; then rm -f "${DAEMON_JSON}"; fi
rm -f "${STATE_DIR}"/daemon.json.absent
