#!/bin/sh
# "file <base64>", "absent", or "none <earlier writes: yes|no>".
# Set by the loader (lib/remoteScripts.ts): ORIGINAL, ORIGINAL_ABSENT, STATE_DIR.
if [ -f "${ORIGINAL}" ]; then printf 'file %s\n' "$(base64 -w0 < "${ORIGINAL}")"
elif [ -f "${ORIGINAL_ABSENT}" ]; then echo absent
elif [ -e "${STATE_DIR}"/daemon.json.bak ] || [ -e "${STATE_DIR}"/daemon.json.absent ]; then echo none yes
else echo none no; fi
