#!/bin/sh
# $1 path: "<sha256> <owner> <group> <mode>" or "absent".
if [ -f "$1" ]; then printf '%s %s\n' "$(sha256sum < "$1" | cut -d' ' -f1)" "$(stat -c '%U %G %a' "$1")"; else echo absent; fi
