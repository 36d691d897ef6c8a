#!/bin/sh
# $1 path, $2 owner, $3 group, $4 mode; content on stdin.
set -eu
dir=$(dirname "$1")
mkdir -p "$dir"
tmp=$(mktemp "$dir/.gnh-tmp.XXXXXX")
trap 'rm -f "$tmp"' EXIT
cat > "$tmp"
chown "$2:$3" "$tmp"
chmod "$4" "$tmp"
mv -f "$tmp" "$1"
trap - EXIT
