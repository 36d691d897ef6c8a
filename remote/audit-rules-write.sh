#!/bin/sh
# $1 path, $2 owner, $3 group, $4 mode, $5 the content's sha256; content on stdin. Keeps the previous
# file for a rollback.
# install_file, gnh_receive_verified: remote/install-file.sh and remote/receive-verified.sh, put in front by the loader.
set -eu
umask 027
mkdir -p "$(dirname "$1")"
rm -f "$1.gnh-bak" "$1.gnh-absent"
if [ -f "$1" ]; then cp -p "$1" "$1.gnh-bak"; else : > "$1.gnh-absent"; fi
install_file "$1" "$2" "$3" "$4" "$5"
