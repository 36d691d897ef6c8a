#!/bin/sh
# $@ = package=version pins; each pinned package is then held.
set -eu
log=$(mktemp /var/tmp/gnh-apt-install.XXXXXX)
trap 'rm -f "$log"' EXIT
export DEBIAN_FRONTEND=noninteractive
if ! apt-get install -y -q --allow-downgrades --allow-change-held-packages -o Dpkg::Options::=--force-confold "$@" > "$log" 2>&1; then
  grep -E '^E:' "$log" | head -n 5 >&2; exit 20
fi
for pin in "$@"; do apt-mark hold "${pin%%=*}" >/dev/null; done
