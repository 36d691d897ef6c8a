#!/bin/sh
# Set by the loader (lib/remoteScripts.ts): STATE_DIR.
rm -f "${STATE_DIR}"/daemon.last-applied.json
