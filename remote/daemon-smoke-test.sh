#!/bin/sh
# A container under the new configuration, from an image made of the node's own /usr/bin/true
# and its libraries: no registry is needed. $1 = runtime to use.
set -eu
if ! docker image inspect gnh-smoke:1 >/dev/null 2>&1; then
  files=$(ldd /usr/bin/true | grep -o '/[^ ]*' | sed 's|^/||' | sort -u)
  # shellcheck disable=SC2086
  tar -C / -ch usr/bin/true $files | docker import - gnh-smoke:1 >/dev/null
fi
docker run --rm --runtime="$1" --network=none gnh-smoke:1 /usr/bin/true 2>&1
