#!/bin/sh
# $1 path, $2 owner, $3 group, $4 mode; content on stdin. Keeps the previous file for a rollback.
set -eu
umask 027
dir=$(dirname "$1")
mkdir -p "$dir"
rm -f "$1.gnh-bak" "$1.gnh-absent"
if [ -f "$1" ]; then cp -p "$1" "$1.gnh-bak"; else : > "$1.gnh-absent"; fi
tmp=$(mktemp "$dir/.gnh-tmp.XXXXXX")
trap 'rm -f "$tmp"' EXIT
cat > "$tmp"
chown "$2:$3" "$tmp"
chmod "$4" "$tmp"
mv -f "$tmp" "$1"
trap - EXIT
