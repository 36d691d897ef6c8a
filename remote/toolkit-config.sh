#!/bin/sh
# $1 config path, then key=value pairs, each passed to nvidia-ctk as one quoted argument.
set -eu
config=$1; shift
[ -f "$config" ] || { echo "$config does not exist: the toolkit package did not create it" >&2; exit 30; }
n=$#
for kv in "$@"; do set -- "$@" --set "$kv"; done
shift "$n"
cp -p "$config" "$config.gnh-bak"
nvidia-ctk config --config-file="$config" --in-place "$@" 2>&1 || { mv -f "$config.gnh-bak" "$config"; exit 31; }
rm -f "$config.gnh-bak"
