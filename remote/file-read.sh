#!/bin/sh
# $1 path: "file <base64>" or "absent".
if [ -f "$1" ]; then printf 'file %s\n' "$(base64 -w0 < "$1")"; else echo absent; fi
