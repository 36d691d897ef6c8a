#!/bin/sh
# The node's owner record, or nothing when there is none.
# Set by the loader (lib/remoteScripts.ts): OWNER_RECORD.
cat "${OWNER_RECORD}" 2>/dev/null || true
