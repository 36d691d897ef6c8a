#!/bin/sh
set -eu
if [ -f "$1.gnh-bak" ]; then mv -f "$1.gnh-bak" "$1"; elif [ -f "$1.gnh-absent" ]; then rm -f "$1"; fi
rm -f "$1.gnh-absent"
augenrules --load >/dev/null 2>&1 || true
