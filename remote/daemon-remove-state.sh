#!/bin/sh
# Our files under /etc/docker/.gnh and the smoke-test image, after a destroy that restored the node.
# Set by the loader (lib/remoteScripts.ts): STATE_DIR.
rm -rf "${STATE_DIR}"
docker image rm gnh-smoke:1 >/dev/null 2>&1 || true
